package aftership

import "strings"

// iso3 pairs ISO 3166-1 alpha-3 codes, which AfterShip uses for countries
// (country_iso3, country_region, destination_country_iso3), with the
// alpha-2 codes of the rest of Waypost. SOURCE: ISO 3166-1 officially
// assigned codes.
const iso3 = `AFG AF ALA AX ALB AL DZA DZ ASM AS AND AD AGO AO AIA AI ATA AQ ATG AG ARG AR ARM AM ABW AW AUS AU
AUT AT AZE AZ BHS BS BHR BH BGD BD BRB BB BLR BY BEL BE BLZ BZ BEN BJ BMU BM BTN BT BOL BO BES BQ BIH BA
BWA BW BVT BV BRA BR IOT IO BRN BN BGR BG BFA BF BDI BI CPV CV KHM KH CMR CM CAN CA CYM KY CAF CF TCD TD
CHL CL CHN CN CXR CX CCK CC COL CO COM KM COG CG COD CD COK CK CRI CR CIV CI HRV HR CUB CU CUW CW CYP CY
CZE CZ DNK DK DJI DJ DMA DM DOM DO ECU EC EGY EG SLV SV GNQ GQ ERI ER EST EE SWZ SZ ETH ET FLK FK FRO FO
FJI FJ FIN FI FRA FR GUF GF PYF PF ATF TF GAB GA GMB GM GEO GE DEU DE GHA GH GIB GI GRC GR GRL GL GRD GD
GLP GP GUM GU GTM GT GGY GG GIN GN GNB GW GUY GY HTI HT HMD HM VAT VA HND HN HKG HK HUN HU ISL IS IND IN
IDN ID IRN IR IRQ IQ IRL IE IMN IM ISR IL ITA IT JAM JM JPN JP JEY JE JOR JO KAZ KZ KEN KE KIR KI PRK KP
KOR KR KWT KW KGZ KG LAO LA LVA LV LBN LB LSO LS LBR LR LBY LY LIE LI LTU LT LUX LU MAC MO MDG MG MWI MW
MYS MY MDV MV MLI ML MLT MT MHL MH MTQ MQ MRT MR MUS MU MYT YT MEX MX FSM FM MDA MD MCO MC MNG MN MNE ME
MSR MS MAR MA MOZ MZ MMR MM NAM NA NRU NR NPL NP NLD NL NCL NC NZL NZ NIC NI NER NE NGA NG NIU NU NFK NF
MKD MK MNP MP NOR NO OMN OM PAK PK PLW PW PSE PS PAN PA PNG PG PRY PY PER PE PHL PH PCN PN POL PL PRT PT
PRI PR QAT QA REU RE ROU RO RUS RU RWA RW BLM BL SHN SH KNA KN LCA LC MAF MF SPM PM VCT VC WSM WS SMR SM
STP ST SAU SA SEN SN SRB RS SYC SC SLE SL SGP SG SXM SX SVK SK SVN SI SLB SB SOM SO ZAF ZA SGS GS SSD SS
ESP ES LKA LK SDN SD SUR SR SJM SJ SWE SE CHE CH SYR SY TWN TW TJK TJ TZA TZ THA TH TLS TL TGO TG TKL TK
TON TO TTO TT TUN TN TUR TR TKM TM TCA TC TUV TV UGA UG UKR UA ARE AE GBR GB USA US UMI UM URY UY UZB UZ
VUT VU VEN VE VNM VN VGB VG VIR VI WLF WF ESH EH YEM YE ZMB ZM ZWE ZW XKX XK`

// alpha2of and alpha3of are built once and only read afterwards.
var alpha2of, alpha3of = func() (map[string]string, map[string]string) {
	f := strings.Fields(iso3)
	a2 := make(map[string]string, len(f)/2)
	a3 := make(map[string]string, len(f)/2)
	for i := 0; i+1 < len(f); i += 2 {
		a2[f[i]] = f[i+1]
		a3[f[i+1]] = f[i]
	}
	return a2, a3
}()

// alpha2 turns an AfterShip country code (alpha-3, or already alpha-2)
// into alpha-2; "" when unknown.
func alpha2(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	switch len(code) {
	case 3:
		return alpha2of[code]
	case 2:
		if _, ok := alpha3of[code]; ok {
			return code
		}
	}
	return ""
}

// alpha3 turns an alpha-2 code into alpha-3; "" when unknown.
func alpha3(code string) string {
	return alpha3of[strings.ToUpper(strings.TrimSpace(code))]
}
