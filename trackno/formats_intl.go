package trackno

// International formats: DHL, DPD and the S10 family from the
// tracking_number_data specification, then the cross-border and national
// formats it lacks, each with its own source. Where a carrier publishes no
// check digit the format has none, and its score says so.

var intlFormats = []*format{
	{
		id: "s10", name: "UPU S10", carrier: "",
		source: "UPU standard S10 (identification of postal items, 13-character identifier); " + srcTND + "s10.json",
		check:  "S10 mod 11, weights 8,6,4,2,3,5,9,7",
		pats:   []string{"\\L{2}\\d{9}\\L{2}"},
		accept: func(n []byte) bool { return s10Post[countryIndex(n[11], n[12])] != nil },
		valid:  func(n []byte) bool { return int(n[10]-'0') == s10Check(n[2:10]) },
		fields: s10Fields,
		bonus: func(n []byte) (float64, Reasons) {
			if s10ServiceOf(n[0], n[1]) != "" {
				return 0.03, ReasonCountry | ReasonServiceCode
			}
			return 0, ReasonCountry
		},
		emit:      s10Emit,
		checkSpan: [2]int{2, 11},
		prior:     0.6, strength: 0.92, specific: true,
	},
	{
		id: "yanwen_s10", name: "Yanwen (S10-shaped, YP/YN suffix)", carrier: "yanwen", country: "CN",
		source:    "S10 arithmetic (UPU S10) with Yanwen's own YP/YN suffix in place of a country code: observed on Yanwen labels, research note section 5; the S10 check digit holds on them",
		check:     "S10 mod 11",
		pats:      []string{"\\L{2}\\d{9}Y[PN]"},
		valid:     func(n []byte) bool { return int(n[10]-'0') == s10Check(n[2:10]) },
		fields:    spans(span{name: "service_indicator", from: 0, to: 2, meaning: s10Service}, span{name: "serial", from: 2, to: 10}),
		checkSpan: [2]int{2, 11},
		prior:     0.75, strength: 0.9, specific: true,
	},
	{
		id: "dhl_express", name: "DHL Express waybill", carrier: "dhl",
		source: srcTND + "dhl.json (dhl_express); DHL Express waybill numbers are 10 digits with a mod 7 check digit",
		check:  "mod 7",
		pats:   []string{"\\d{10,11}"},
		valid:  checkMod7Last,
		prior:  0.3, strength: 0.45,
	},
	{
		id: "dhl_express_piece_id", name: "DHL Express piece ID", carrier: "dhl",
		source: srcTND + "dhl.json (dhl_express_piece_id); no check digit published",
		pats:   []string{"J\\L{2}\\d{9,10}", "J\\L{3}\\d{9,10}"},
		prior:  0.45, specific: true,
	},
	{
		id: "dhl_ecommerce", name: "DHL eCommerce", carrier: "dhl-ecommerce",
		source: srcTND + "dhl.json (dhl_ecommerce); no check digit published",
		pats: []string{"GM.{10,39}", "LX.{10,39}", "RX.{10,39}", "UV.{10,39}", "CN.{10,39}",
			"SG.{10,39}", "TH.{10,39}", "IN.{10,39}", "HK.{10,39}", "MY.{10,39}"},
		accept: func(n []byte) bool { return hasDigit(n, 2) },
		prior:  0.35, specific: true,
	},
	{
		id: "dhl_ecommerce_14", name: "DHL eCommerce (14)", carrier: "dhl-ecommerce",
		source: srcTND + "dhl.json (dhl_ecommerce_14); no check digit published",
		pats:   []string{"\\d{14}"},
		prior:  0.2,
	},
	{
		id: "dpd", name: "DPD parcel label (28)", carrier: "dpd",
		source: srcTND + "dpd.json (dpd); DPD parcel label specification: ISO/IEC 7064 MOD 37,36 check character",
		check:  "ISO/IEC 7064 MOD 37,36",
		pats:   []string{"\\d{27}."},
		valid:  func(n []byte) bool { return n[27] == alnum36[mod3736(n[:27])] },
		fields: spans(span{name: "destination_zip", from: 0, to: 7}, span{name: "parcel_number", from: 7, to: 21},
			span{name: "service", from: 21, to: 24, meaning: lookup(dpdServices)},
			span{name: "destination_country", from: 24, to: 27, meaning: lookup(isoNumeric)}),
		prior: 0.5, strength: 0.9,
	},
	{
		id: "dpd_14", name: "DPD parcel number with check character (15)", carrier: "dpd",
		source: srcTND + "dpd.json (dpd_14); DPD parcel label specification: ISO/IEC 7064 MOD 37,36 check character",
		check:  "ISO/IEC 7064 MOD 37,36",
		pats:   []string{"\\d{14}."},
		valid:  func(n []byte) bool { return n[14] == alnum36[mod3736(n[:14])] },
		fields: spans(span{name: "depot", from: 0, to: 4}),
		prior:  0.35, strength: 0.9,
	},
	{
		id: "dpd_14_bare", name: "DPD parcel number (14, check character not printed)", carrier: "dpd",
		source: "DPD parcel numbers are often printed and e-mailed without their check character (research note section 5, SDK fixtures); no check digit to test",
		pats:   []string{"\\d{14}"},
		prior:  0.2,
	},
	{
		id: "yodel", name: "Yodel", carrier: "yodel", country: "GB",
		source: srcTND + "yodel.json; no check digit published",
		pats:   []string{"JJD\\d{16}", "JD\\d{16}"},
		prior:  0.55, specific: true,
	},
	{
		id: "yunexpress", name: "YunExpress YT", carrier: "yunexpress", country: "CN",
		source: srcTND + "yunexpress.json; no check digit published",
		pats:   []string{"YT\\d{16}"},
		prior:  0.8, specific: true,
	},

	// --- China: consolidators and express companies -------------------
	{
		id: "cainiao_lp", name: "Cainiao LP", carrier: "cainiao", country: "CN",
		source: "Cainiao / AliExpress logistics order numbers LP + 14 digits (observed in public tests and issues, research note section 5); no check digit published",
		pats:   []string{"LP\\d{14}"},
		prior:  0.8, specific: true,
	},
	{
		id: "cainiao_cnusup", name: "Cainiao CNUSUP", carrier: "cainiao", country: "CN",
		source: "Cainiao US pickup numbers CNUSUP + 8-11 digits (format explainer page cited in the research note, section 5); no check digit published",
		pats:   []string{"CNUSUP\\d{8,11}"},
		prior:  0.85, specific: true,
	},
	{
		id: "4px", name: "4PX", carrier: "4px", country: "CN",
		source: "4PX numbers 4PX + 13 digits + CN (observed, research note section 5); no check digit published",
		pats:   []string{"4PX\\d{13}CN"},
		prior:  0.85, specific: true,
	},
	{
		id: "4px_dy", name: "4PX DY…PT", carrier: "4px", country: "CN",
		source: "DY + 9 digits + PT, mapped to 4PX by geartrack (hdnpt/geartrack-website #69, research note section 5); no check digit published",
		pats:   []string{"DY\\d{9}PT"},
		prior:  0.35, specific: true,
	},
	{
		id: "sf_express", name: "SF Express (SF)", carrier: "sf-express", country: "CN",
		source: "SF Express waybills SF + 13 digits (SF Express international tracking page examples); no check digit published",
		pats:   []string{"SF\\d{13}"},
		prior:  0.85, specific: true,
	},
	{
		id: "sf_express_12", name: "SF Express (12 digits)", carrier: "sf-express", country: "CN",
		source: "SF Express legacy 12-digit waybills (public tests and issues, research note section 5); no check digit published",
		pats:   []string{"\\d{12}"},
		prior:  0.15,
	},
	{
		id: "jtexpress", name: "J&T Express (JT)", carrier: "jtexpress", country: "CN",
		source: "J&T Express China waybills JT + 12-13 digits (kuaidi rule tables in public code); no check digit published",
		pats:   []string{"JT\\d{12,13}"},
		prior:  0.8, specific: true,
	},
	{
		id: "zto", name: "ZTO Express (14)", carrier: "zto-express", country: "CN",
		source: "ZTO waybills of 14 digits starting 7 (research note section 5, kuaidi rule tables); no check digit published",
		pats:   []string{"7\\d{13}"},
		prior:  0.25,
	},
	{
		id: "yto", name: "YTO Express (YT + 13)", carrier: "yto", country: "CN",
		source: "YTO waybills YT + 13 digits (kuaidi100-style response fixture, research note section 5); no check digit published",
		pats:   []string{"YT\\d{13}"},
		prior:  0.75, specific: true,
	},
	{
		id: "sto", name: "STO Express", carrier: "sto", country: "CN",
		source: "STO waybills: 15 digits starting 77 or 88, 12 digits starting 268/368/.../968/588/688/888 (kuaidi rule tables in public code); no check digit published",
		pats:   []string{"77\\d{13}", "88\\d{13}", "[2-9]68\\d{9}", "[568]88\\d{9}"},
		prior:  0.2,
	},
	{
		id: "yunda", name: "Yunda Express", carrier: "yunda", country: "CN",
		source: "Yunda waybills of 13 or 15 digits (Yunda site rule quoted in kuaidi rule tables); no check digit published",
		pats:   []string{"[1-5]\\d{12}", "[34]\\d{14}"},
		prior:  0.12,
	},
	{
		id: "jd", name: "JD Logistics", carrier: "jd-logistics", country: "CN",
		source: "JD Logistics waybills JDX/JDK + 12 digits, JDV? + 11 digits (kuaidi rule tables; JDVB in the research note); no check digit published",
		pats:   []string{"JD[XK]\\d{12}", "JDV\\L\\d{11}"},
		prior:  0.85, specific: true,
	},

	// --- Europe ---------------------------------------------------------
	{
		id: "dhl_paket_20", name: "DHL Paket (20, SSCC)", carrier: "dhl-germany", country: "DE",
		source: "DHL Paket 20-digit numbers 00 + SSCC with DHL's GS1 prefix (paketda.de, Prüfziffern-Berechnung für Paketnummern: mod 10, weights 3,1 from the left); research note section 5",
		check:  "GS1 mod 10",
		pats:   []string{"003404\\d{14}"},
		valid:  checkGS1Last,
		prior:  0.8, strength: 0.9, specific: true,
	},
	{
		id: "dhl_paket_12", name: "DHL Paket Identcode (12)", carrier: "dhl-germany", country: "DE",
		source: "Deutsche Post Identcode: 12 digits, mod 10 with weights 4,9 (paketda.de Prüfziffer DHL 12-stellig; activebarcode Identcode description)",
		check:  "mod 10, weights 4,9 from the left",
		pats:   []string{"\\d{12}"},
		valid:  func(n []byte) bool { return lastIs(n, identcode(n[:11])) },
		prior:  0.2, strength: 0.6,
	},
	{
		id: "dhl_paket_jjd", name: "DHL Paket JJD", carrier: "dhl-germany", country: "DE",
		source: "DHL Paket shipment numbers JJD + digits (paketda.de: 16 characters, e.g. JJD1410302937991; longer JJD00… numbers on international labels); no check digit published",
		pats:   []string{"JJD\\d{11,21}"},
		prior:  0.5, specific: true,
	},
	{
		id: "gls_12", name: "GLS parcel number (12)", carrier: "gls",
		source: "GLS Uni-Box technical documentation 2D, ch. 3.2.1 (check digit: weights 3,1 from the left, plus 1, mod 10); paketda.de GLS label guide",
		check:  "mod 10, weights 3,1 from the left, plus 1",
		pats:   []string{"\\d{12}"},
		valid:  func(n []byte) bool { return lastIs(n, glsCheck(n[:11])) },
		fields: spans(span{name: "depot", from: 0, to: 2}, span{name: "product", from: 2, to: 4}),
		prior:  0.2, strength: 0.6,
	},
	{
		id: "gls_11", name: "GLS parcel number (11, without check digit)", carrier: "gls",
		source: "GLS parcel numbers shown without their check digit (GLS tracking accepts 11 digits; libsendungsverfolgung); no check digit to test",
		pats:   []string{"\\d{11}"},
		prior:  0.12,
	},
	{
		id: "gls_track_id", name: "GLS Track ID", carrier: "gls",
		source: "GLS Track ID: 8 alphanumerics (paketda.de GLS label guide, e.g. XHAX4HDA); no check character published; Waypost requires a digit and a final letter to keep words out",
		pats:   []string{".{7}\\L"},
		accept: func(n []byte) bool { return hasDigit(n, 0) },
		prior:  0.15,
	},
	{
		id: "hermes_de_14", name: "Hermes Germany (14)", carrier: "hermes-de", country: "DE",
		source: "paketda.de Prüfziffern-Berechnung: 14-digit Hermes numbers use mod 10 with weights 3,1 (example 09133131530724)",
		check:  "GS1 mod 10",
		pats:   []string{"\\d{14}"},
		valid:  checkGS1Last,
		prior:  0.22, strength: 0.6,
	},
	{
		id: "evri_16", name: "Evri / Hermes UK (16)", carrier: "evri", country: "GB",
		source: "Evri (Hermes UK) barcodes: letter, 5 alphanumerics, 10 digits (packagex VisionSDK Hermes patterns, printed as X-XXXX-X-XXXXXXXXX-X); no check digit published",
		pats:   []string{"\\L.{5}\\d{10}"},
		accept: func(n []byte) bool { return hasDigit(n[:6], 1) },
		prior:  0.3,
	},
	{
		id: "parcelforce_9", name: "Parcelforce (2 letters + 7)", carrier: "parcelforce", country: "GB",
		source: "Parcelforce Worldwide consignment numbers: 2 letters + 7 digits (Parcelforce track & trace help); no check digit published",
		pats:   []string{"\\L{2}\\d{7}"},
		prior:  0.25,
	},
	{
		id: "parcelforce_pb", name: "Parcelforce PB (14)", carrier: "parcelforce", country: "GB",
		source: "Parcelforce parcel numbers PB + 2 letters + 10 digits, e.g. PBTM… (research note section 5); no check digit published",
		pats:   []string{"PB\\L{2}\\d{10}"},
		prior:  0.75, specific: true,
	},
	{
		id: "postnl_3s", name: "PostNL 3S", carrier: "postnl", country: "NL",
		source: "PostNL 3S barcodes: 3S + 4-letter customer code + 7-9 digits (packagex VisionSDK PostNL patterns; AfterShip postnl-3s slug); no check digit published",
		pats:   []string{"3S\\L{4}\\d{7,9}"},
		prior:  0.85, specific: true,
	},
	{
		id: "colissimo", name: "Colissimo / La Poste (13)", carrier: "colissimo", country: "FR",
		source: "Colissimo and La Poste tracked-letter numbers: digit, letter, 11 digits, e.g. 6A…, 8R… (packagex VisionSDK Colissimo patterns); no check digit published",
		pats:   []string{"\\d\\L\\d{11}"},
		prior:  0.5, specific: true,
	},
	{
		id: "inpost_24", name: "InPost (24)", carrier: "inpost", country: "PL",
		source: "InPost parcel numbers of 24 digits (Polish shipping tools' pattern tables in public code); no check digit published",
		pats:   []string{"\\d{24}"},
		prior:  0.3,
	},

	// --- Asia-Pacific, Middle East --------------------------------------
	{
		id: "japan_12", name: "Japanese domestic (12, mod 7)", carrier: "japan-post", country: "JP",
		source: "Japan Post Yu-Pack, Yamato and Sagawa 12-digit numbers: check digit = first 11 digits mod 7 (7DR; shipping-jp-js README, qiita 'check digit calculation methods')",
		check:  "mod 7 (7DR)",
		pats:   []string{"\\d{12}"},
		valid:  checkMod7Last,
		prior:  0.2, strength: 0.5,
		shared: []share{{"yamato", 0.95}, {"sagawa", 0.9}},
	},
	{
		id: "korea_post_13", name: "Korea Post domestic (13)", carrier: "korea-post", country: "KR",
		source: "Korea Post domestic registered numbers of 13 digits (Korea Post tracking form); no check digit published",
		pats:   []string{"\\d{13}"},
		prior:  0.12,
	},
	{
		id: "auspost_article", name: "Australia Post eParcel article", carrier: "australia-post", country: "AU",
		source: "Australia Post eParcel article IDs: 3 characters + 15 digits, optionally + 0 and the 4-digit destination postcode (eParcel label description); the check digit's algorithm is not published",
		pats:   []string{"\\L{3}\\d{15}", "\\L{3}\\d{20}"},
		prior:  0.45, specific: true,
	},
	{
		id: "auspost_consignment", name: "Australia Post eParcel consignment", carrier: "australia-post", country: "AU",
		source: "Australia Post eParcel consignment IDs: 3 letters + 7 digits (eParcel label description); the check digit's algorithm is not published",
		pats:   []string{"\\L{3}\\d{7}"},
		prior:  0.2,
	},
	{
		id: "aramex_11", name: "Aramex waybill", carrier: "aramex", country: "AE",
		source: "Aramex publishes no format; 11-digit waybill numbers as seen on Aramex shipment notices (unverified observation); no check digit",
		pats:   []string{"\\d{11}"},
		prior:  0.1,
	},
}
