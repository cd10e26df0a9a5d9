package trackno

// Lookup tables for decoded fields. Sources: UPS service codes and USPS
// service types as listed in the tracking_number_data specification
// (ups.json, usps.json); IMpb application identifiers from USPS Publication
// 199; DPD service codes from the DPD parcel label specification cited by
// dpd.json; ISO 3166-1 numeric codes from ISO 3166.

var upsServices = map[string]string{
	"01": "Next Day Air",
	"02": "2nd Day Air",
	"03": "Ground",
	"12": "3 Day Select",
	"13": "Next Day Air Saver",
	"15": "Next Day Air Early",
	"22": "Ground, Returns Plus (three pickup attempts)",
	"32": "Next Day Air Early, COD",
	"33": "Next Day Air Early, Saturday delivery, COD",
	"41": "Next Day Air Early, Saturday delivery",
	"42": "Ground, signature required",
	"44": "Next Day Air, Saturday delivery",
	"66": "Worldwide Express",
	"72": "Ground, COD",
	"78": "Ground, Returns Plus (one pickup attempt)",
	"90": "Ground, returns (UPS prints and mails the label)",
	"A0": "Next Day Air Early, adult signature",
	"A1": "Next Day Air Early, Saturday delivery, adult signature",
	"A2": "Next Day Air, adult signature",
	"A8": "Ground, adult signature",
	"A9": "Next Day Air Early, adult signature, COD",
	"AA": "Next Day Air Early, Saturday delivery, adult signature, COD",
	"YW": "SurePost (delivered by USPS)",
}

var upsWaybillServices = map[string]string{
	"J": "Next Day Express",
	"K": "Ground",
	"V": "Worldwide Express Saver",
}

var ssccContainer = map[string]string{
	"00": "case or carton",
	"01": "pallet",
	"02": "larger than a pallet",
	"04": "internal use",
}

var uspsServices = map[string]string{
	"21": "Signature Confirmation (Priority Mail or First-Class parcels)",
	"22": "Signature Confirmation (Package Services, Parcel Select)",
	"23": "Signature Confirmation (retail)",
	"24": "Signature Confirmation (retail)",
	"25": "Signature Confirmation, insured (Priority Mail or First-Class parcels)",
	"26": "Signature Confirmation, insured (Package Services, Parcel Select)",
	"34": "Signature Confirmation (software vendors)",
	"50": "Electronic file header",
	"56": "Passive en-route scan",
	"73": "Insured Mail",
	"82": "Merchandise Return with Delivery Confirmation",
	"83": "Merchandise Return, insured $50 or under",
	"85": "Merchandise Return, insured over $50",
}

var impbAI = map[string]string{
	"92": "commercial mailer, 9-digit mailer ID",
	"93": "commercial mailer, 6-digit mailer ID",
	"94": "online or PC-postage label",
	"95": "USPS retail counter or kiosk",
}

var uspsSTC = map[string]string{
	"612": "Parcel Select",
}

var dpdServices = map[string]string{
	"101": "normal parcel",
	"102": "normal parcel, hazardous goods",
	"105": "normal parcel, ex works",
	"106": "normal parcel, ex works, hazardous goods",
	"109": "normal parcel, cash on delivery",
	"110": "normal parcel, cash on delivery, hazardous goods",
	"113": "normal parcel, exchange",
	"136": "small parcel",
	"154": "parcel letter",
	"155": "guarantee",
	"161": "guarantee, cash on delivery",
	"179": "DPD 10:00",
	"191": "DPD 10:00, cash on delivery",
	"225": "DPD 12:00",
	"237": "DPD 12:00, cash on delivery",
	"350": "DPD 8:30",
}

// isoNumeric maps ISO 3166-1 numeric codes to alpha-2 for the countries
// DPD labels name most; others decode to an empty meaning.
var isoNumeric = map[string]string{
	"008": "AL", "036": "AU", "040": "AT", "056": "BE", "070": "BA", "076": "BR",
	"100": "BG", "112": "BY", "124": "CA", "156": "CN", "191": "HR", "196": "CY",
	"203": "CZ", "208": "DK", "233": "EE", "246": "FI", "250": "FR", "276": "DE",
	"300": "GR", "344": "HK", "348": "HU", "352": "IS", "356": "IN", "372": "IE",
	"380": "IT", "392": "JP", "410": "KR", "428": "LV", "438": "LI", "440": "LT",
	"442": "LU", "470": "MT", "484": "MX", "492": "MC", "498": "MD", "499": "ME",
	"528": "NL", "578": "NO", "616": "PL", "620": "PT", "642": "RO", "643": "RU",
	"674": "SM", "688": "RS", "702": "SG", "703": "SK", "705": "SI", "724": "ES",
	"752": "SE", "756": "CH", "792": "TR", "804": "UA", "807": "MK", "826": "GB",
	"840": "US",
}
