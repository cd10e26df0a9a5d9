package carrier

func newCourier(slug, name, cc, website, trackURL string) Info {
	if trackURL == "" {
		trackURL = UniversalTrackURL
	}
	return Info{Slug: slug, Name: name, Country: cc, Website: website, TrackURL: trackURL}
}

// couriers lists the carriers that are not a country's designated postal
// operator: express companies, parcel networks, e-commerce consolidators,
// and the EMS arms that some posts run under their own brand. Tracking page
// templates are the carriers' public pages; UniversalTrackURL stands in
// where a carrier publishes none addressable by number.
var couriers = []Info{
	newCourier("4px", "4PX", "CN", "https://www.4px.com", "https://track.4px.com/#/result/0/%s"),
	newCourier("amazon", "Amazon Shipping", "", "https://www.amazon.com", "https://track.amazon.com/tracking/%s"),
	newCourier("aramex", "Aramex", "AE", "https://www.aramex.com", "https://www.aramex.com/us/en/track/results?ShipmentNumber=%s"),
	newCourier("cainiao", "Cainiao", "CN", "https://global.cainiao.com", "https://global.cainiao.com/newDetail.htm?mailNoList=%s"),
	newCourier("canpar", "Canpar Express", "CA", "https://www.canpar.com", "https://www.canpar.com/en/tracking/track.htm?barcode=%s"),
	newCourier("china-ems", "China EMS", "CN", "https://www.ems.com.cn", ""),
	newCourier("chronopost", "Chronopost", "FR", "https://www.chronopost.fr", "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT=%s"),
	newCourier("colissimo", "Colissimo", "FR", "https://www.colissimo.fr", "https://www.laposte.fr/outils/suivre-vos-envois?code=%s"),
	newCourier("dhl", "DHL Express", "", "https://www.dhl.com", "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=%s"),
	newCourier("dhl-ecommerce", "DHL eCommerce", "", "https://www.dhl.com/global-en/home/our-divisions/ecommerce.html", "https://webtrack.dhlecs.com/?trackingnumber=%s"),
	newCourier("dhl-germany", "DHL Paket (Germany)", "DE", "https://www.dhl.de", "https://www.dhl.de/en/privatkunden/pakete-empfangen/verfolgen.html?piececode=%s"),
	newCourier("dpd", "DPD", "", "https://www.dpd.com", "https://tracking.dpd.de/status/en_US/parcel/%s"),
	newCourier("evri", "Evri (Hermes UK)", "GB", "https://www.evri.com", "https://www.evri.com/track/parcel/%s/details"),
	newCourier("fedex", "FedEx", "", "https://www.fedex.com", "https://www.fedex.com/fedextrack/?trknbr=%s"),
	newCourier("gls", "GLS", "", "https://gls-group.com", "https://gls-group.eu/EU/en/parcel-tracking?match=%s"),
	newCourier("gofo", "GOFO Express", "US", "https://www.gofoexpress.com", "https://www.gofoexpress.com/tracking.html?searchID=%s"),
	newCourier("hermes-de", "Hermes (Germany)", "DE", "https://www.myhermes.de", "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation/#%s"),
	newCourier("inpost", "InPost", "PL", "https://inpost.pl", "https://inpost.pl/sledzenie-przesylek?number=%s"),
	newCourier("jd-logistics", "JD Logistics", "CN", "https://www.jdl.com", ""),
	newCourier("jtexpress", "J&T Express", "", "https://www.jtexpress.com", ""),
	newCourier("landmark-global", "Landmark Global", "", "https://landmarkglobal.com", "https://track.landmarkglobal.com/?search=%s"),
	newCourier("lasership", "LaserShip (OnTrac)", "US", "https://www.lasership.com", "https://www.lasership.com/track/%s"),
	newCourier("old-dominion", "Old Dominion Freight Line", "US", "https://www.odfl.com", "https://www.odfl.com/us/en/tools/trace-track-ltl-freight/trace.html?proNumbers=%s"),
	newCourier("ontrac", "OnTrac", "US", "https://www.ontrac.com", "https://www.ontrac.com/tracking/?number=%s"),
	newCourier("parcelforce", "Parcelforce Worldwide", "GB", "https://www.parcelforce.com", "https://www.parcelforce.com/track-trace?trackNumber=%s"),
	newCourier("purolator", "Purolator", "CA", "https://www.purolator.com", "https://www.purolator.com/en/shipping/tracker?pins=%s"),
	newCourier("sagawa", "Sagawa Express", "JP", "https://www.sagawa-exp.co.jp", "https://k2k.sagawa-exp.co.jp/p/web/okurijosearch.do?okurijoNo=%s"),
	newCourier("sf-express", "SF Express", "CN", "https://www.sf-express.com", "https://www.sf-express.com/we/ow/chn/sc/waybill/waybill-detail/%s"),
	newCourier("speedee", "Spee-Dee Delivery", "US", "https://speedeedelivery.com", "https://speedeedelivery.com/track-a-parcel/?tracking=%s"),
	newCourier("sto", "STO Express", "CN", "https://www.sto.cn", ""),
	newCourier("ups", "UPS", "", "https://www.ups.com", "https://www.ups.com/track?tracknum=%s"),
	newCourier("yamato", "Yamato Transport", "JP", "https://www.kuronekoyamato.co.jp", "https://toi.kuronekoyamato.co.jp/cgi-bin/tneko?number01=%s"),
	newCourier("yanwen", "Yanwen", "CN", "https://www.yw56.com.cn", "https://track.yw56.com.cn/en/querydel?nums=%s"),
	newCourier("yodel", "Yodel", "GB", "https://www.yodel.co.uk", "https://www.yodel.co.uk/tracking/%s"),
	newCourier("yto", "YTO Express", "CN", "https://www.yto.net.cn", ""),
	newCourier("yunda", "Yunda Express", "CN", "https://www.yundaex.com", ""),
	newCourier("yunexpress", "YunExpress", "CN", "https://www.yunexpress.com", "https://www.yuntrack.com/parcelTracking?id=%s"),
	newCourier("zto-express", "ZTO Express", "CN", "https://www.zto.com", ""),
}
