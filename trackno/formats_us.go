package trackno

// North American formats. The rules follow the definitions published in
// the tracking_number_data specification (github.com/jkeen/tracking_number_data,
// v2.0.0, MIT), written here as Go from its prose and test numbers, plus the
// carriers' own documents named in each source.

const srcTND = "tracking_number_data v2.0.0 (github.com/jkeen/tracking_number_data), couriers/"

var usFormats = []*format{
	{
		id: "ups", name: "UPS 1Z", carrier: "ups",
		source: srcTND + "ups.json; UPS 1Z structure: shipper 6, service 2, package 7, check 1",
		check:  "mod 10, weights 1,2 from the left, letters as (ASCII-3) mod 10",
		pats:   []string{"1Z.{15}\\d"},
		valid:  func(n []byte) bool { return lastIs(n, mod10Alt(n[2:17], 1, 2)) },
		fields: spans(
			span{name: "shipper_id", from: 2, to: 8},
			span{name: "service", from: 8, to: 10, meaning: lookup(upsServices)},
			span{name: "package_id", from: 10, to: 17},
		),
		bonus: func(n []byte) (float64, Reasons) {
			if k, _ := codeIndex(n[8:10]); upsServiceKnown[k] {
				return 0.02, ReasonServiceCode
			}
			return 0, 0
		},
		emit:      upsEmit,
		checkSpan: [2]int{2, 0},
		prior:     0.8, strength: 0.9, specific: true,
	},
	{
		id: "ups_waybill", name: "UPS waybill", carrier: "ups",
		source:    srcTND + "ups.json (UPS Waybill)",
		check:     "mod 10, weights 1,2 over the 9 serial digits",
		pats:      []string{"[AHJKTV]\\d{10}"},
		valid:     func(n []byte) bool { return lastIs(n, mod10Alt(n[1:10], 1, 2)) },
		fields:    spans(span{name: "service", from: 0, to: 1, meaning: lookup(upsWaybillServices)}),
		checkSpan: [2]int{1, 0},
		prior:     0.35, strength: 0.7,
	},
	{
		id: "fedex_12", name: "FedEx Express (12)", carrier: "fedex",
		source: srcTND + "fedex.json (fedex_12)",
		check:  "weights 3,1,7 from the left, mod 11 mod 10",
		pats:   []string{"\\d{12}"},
		valid:  func(n []byte) bool { return lastIs(n, weighted(n[:11], w317, 11, 10)) },
		prior:  0.3, strength: 0.6,
	},
	{
		id: "fedex_34", name: "FedEx Express (34)", carrier: "fedex",
		source:    srcTND + "fedex.json (fedex_34)",
		check:     "weights 1,7,3 over digits 21-33, mod 11 mod 10",
		pats:      []string{"[0-8]\\d{33}"},
		valid:     func(n []byte) bool { return lastIs(n, weighted(n[20:33], w173, 11, 10)) },
		fields:    spans(span{name: "destination_zip", from: 15, to: 20}, span{name: "tracking_number", from: 22, to: 34}),
		checkSpan: [2]int{20, 0},
		prior:     0.45, strength: 0.7,
	},
	{
		id: "fedex_astra_32", name: "FedEx ASTRA (32)", carrier: "fedex",
		source:    srcTND + "fedex.json (fedex_astra_32)",
		check:     "weights 3,1,7 over digits 17-27, mod 11 mod 10, check at 28",
		pats:      []string{"3\\d{31}"},
		valid:     func(n []byte) bool { return int(n[27]-'0') == weighted(n[16:27], w317, 11, 10) },
		fields:    spans(span{name: "tracking_number", from: 16, to: 28}),
		checkSpan: [2]int{16, 28},
		prior:     0.45, strength: 0.6,
	},
	{
		id: "fedex_ground", name: "FedEx Ground (15)", carrier: "fedex",
		source: srcTND + "fedex.json (fedex_ground)",
		check:  "GS1 mod 10",
		pats:   []string{"\\d{15}"},
		valid:  checkGS1Last,
		prior:  0.25, strength: 0.6,
	},
	{
		id: "fedex_ground_sscc_18", name: "FedEx Ground (SSCC-18)", carrier: "fedex",
		source: srcTND + "fedex.json (fedex_ground_sscc_18); GS1 General Specifications (SSCC)",
		check:  "GS1 mod 10",
		pats:   []string{"\\d{18}"},
		valid:  checkGS1Last,
		fields: spans(span{name: "container_type", from: 0, to: 2, meaning: lookup(ssccContainer)}),
		prior:  0.25, strength: 0.6,
	},
	{
		id: "fedex_ground_96", name: "FedEx Ground 96 (22)", carrier: "fedex",
		source:    srcTND + "fedex.json (fedex_ground_96)",
		check:     "GS1 mod 10 over digits 8-21",
		pats:      []string{"96\\d{20}"},
		valid:     func(n []byte) bool { return lastIs(n, gs1(n[7:21])) },
		fields:    spans(span{name: "service_type", from: 4, to: 7}, span{name: "shipper_id", from: 7, to: 14}, span{name: "package_id", from: 14, to: 21}),
		checkSpan: [2]int{7, 0},
		prior:     0.55, strength: 0.7, specific: true,
	},
	{
		id: "fedex_ground_gsn", name: "FedEx Ground GSN (34)", carrier: "fedex",
		source:    srcTND + "fedex.json (fedex_ground_gsn)",
		check:     "weights 1,7,3 over digits 21-33, mod 11 mod 10",
		pats:      []string{"96\\d{32}"},
		valid:     func(n []byte) bool { return lastIs(n, weighted(n[20:33], w173, 11, 10)) },
		fields:    spans(span{name: "shipper_number", from: 9, to: 19}, span{name: "tracking_number", from: 22, to: 34}),
		checkSpan: [2]int{20, 0},
		prior:     0.55, strength: 0.7, specific: true,
	},
	{
		id: "usps_impb_n", name: "USPS IMpb (N constructs, 94)", carrier: "usps", country: "US",
		source: srcTND + "usps.json (usps_impb_n); USPS Publication 199 (IMpb)",
		check:  "GS1 mod 10 over the IMpb body",
		pats:   []string{"\\d{22}", "\\d{26}", "\\d{30}", "\\d{34}"},
		accept: func(n []byte) bool { _, ok := impbBody(n, impbN); return ok },
		valid:  func(n []byte) bool { s, _ := impbBody(n, impbN); return checkGS1Last(n[s:]) },
		fields: impbFields(impbN),
		prior:  0.6, strength: 0.8, specific: true,
		shared: []share{{"fedex", 0.55}, {"ups", 0.5}},
	},
	{
		id: "usps_impb_c", name: "USPS IMpb (C constructs, 92/93/95)", carrier: "usps", country: "US",
		source: srcTND + "usps.json (usps_impb_c); USPS Publication 199 (IMpb)",
		check:  "GS1 mod 10 over the IMpb body",
		pats:   []string{"\\d{22}", "\\d{26}", "\\d{30}", "\\d{34}"},
		accept: func(n []byte) bool { _, ok := impbBody(n, impbC); return ok },
		valid:  func(n []byte) bool { s, _ := impbBody(n, impbC); return checkGS1Last(n[s:]) },
		fields: impbFields(impbC),
		prior:  0.55, strength: 0.8, specific: true,
		shared: []share{{"fedex", 0.55}, {"ups", 0.5}},
	},
	{
		id: "usps_20", name: "USPS 20", carrier: "usps", country: "US",
		source: srcTND + "usps.json (usps_20)",
		check:  "GS1 mod 10",
		pats:   []string{"\\d{20}"},
		valid:  checkGS1Last,
		fields: spans(span{name: "service_type", from: 0, to: 2, meaning: lookup(uspsServices)},
			span{name: "mailer_id", from: 2, to: 11}, span{name: "package_id", from: 11, to: 19}),
		prior: 0.3, strength: 0.6,
	},
	{
		id: "usps_legacy", name: "USPS legacy (91)", carrier: "usps", country: "US",
		source: srcTND + "usps.json (usps_legacy)",
		check:  "GS1 mod 10 with 91 prepended when absent",
		pats:   []string{"\\d{20}", "\\d{22}", "420\\d{25}", "420\\d{27}", "420\\d{29}", "420\\d{31}"},
		accept: func(n []byte) bool { _, ok := legacyBody(n); return ok },
		valid: func(n []byte) bool {
			b, _ := legacyBody(n)
			s := b[:len(b)-1]
			if startsWith(s, "91") {
				return lastIs(b, gs1(s))
			}
			return lastIs(b, gs1With("91", s))
		},
		bonus: func(n []byte) (float64, Reasons) {
			if b, _ := legacyBody(n); len(b) == 22 || len(b) != len(n) {
				return 0.2, ReasonPrefix
			}
			return 0, 0
		},
		fields: func(n string, dst []Field) []Field {
			b, ok := legacyBody(n)
			if !ok {
				return dst
			}
			if len(b) != len(n) {
				dst = append(dst, Field{Name: "destination_zip", Value: n[3 : len(n)-len(b)]})
			}
			if len(b) == 22 {
				b = b[2:]
			}
			return append(dst, Field{Name: "service_type", Value: b[:2], Meaning: uspsServiceMeaning(b[:2])},
				Field{Name: "mailer_id", Value: b[2:11]}, Field{Name: "package_id", Value: b[11:19]})
		},
		prior: 0.3, strength: 0.6,
	},
	{
		id: "ontrac_c", name: "OnTrac C", carrier: "ontrac", country: "US",
		source:    srcTND + "ontrac.json (ontrac_c)",
		check:     "mod 10, weights 1,2, serial with 4 prepended unless it starts with 4",
		pats:      []string{"C\\d{14}"},
		valid:     func(n []byte) bool { return onTracValid(n, '4') },
		checkSpan: [2]int{1, 0},
		prior:     0.45, strength: 0.8,
	},
	{
		id: "ontrac_d", name: "OnTrac D", carrier: "ontrac", country: "US",
		source:    srcTND + "ontrac.json (ontrac_d)",
		check:     "mod 10, weights 1,2, serial with 5 prepended unless it starts with 5",
		pats:      []string{"D\\d{14}"},
		valid:     func(n []byte) bool { return onTracValid(n, '5') },
		checkSpan: [2]int{1, 0},
		prior:     0.45, strength: 0.8,
	},
	{
		id: "lasership_lx", name: "LaserShip L", carrier: "lasership", country: "US",
		source: srcTND + "lasership.json (lasership_lx); no check digit published",
		pats:   []string{"L[AIEHNX][1-3]\\d{7}"},
		prior:  0.45, specific: true,
	},
	{
		id: "lasership_1ls7", name: "LaserShip 1LS7 (15)", carrier: "lasership", country: "US",
		source: srcTND + "lasership.json (lasership_1ls7); no check digit published",
		pats:   []string{"1LS7[12]\\d{10}"},
		prior:  0.75, specific: true,
	},
	{
		id: "lasership_1ls7_18", name: "LaserShip 1LS7 (18, with -1)", carrier: "lasership", country: "US",
		source: srcTND + "lasership.json (LaserShip 1LS7 (18)); the trailing -1 reads as 1 once separators are removed; no check digit published",
		pats:   []string{"1LS7[12]\\d{2}01[1-4]\\d{6}1"},
		prior:  0.75, specific: true,
	},
	{
		id: "lasership_1lscx", name: "LaserShip 1LSCX", carrier: "lasership", country: "US",
		source: srcTND + "lasership.json (lasership_1lscx); no check digit published",
		pats:   []string{"1LSCX.{10}"},
		prior:  0.75, specific: true,
	},
	{
		id: "amazon_logistics", name: "Amazon Logistics (TBA)", carrier: "amazon",
		source: srcTND + "amazon.json (amazon_logistics); no check digit published",
		pats:   []string{"TB[ACM]\\d{12}"},
		prior:  0.85, specific: true,
	},
	{
		id: "amazon_international", name: "Amazon International", carrier: "amazon",
		source: srcTND + "amazon.json (amazon_international); no check digit published",
		pats:   []string{"[AFC]\\d{10}"},
		prior:  0.25,
	},
	{
		id: "old_dominion", name: "Old Dominion PRO", carrier: "old-dominion", country: "US",
		source: srcTND + "old_dominion.json (Old Dominion)",
		check:  "Luhn",
		pats:   []string{"77[78]\\d{8}", "072\\d{8}", "780\\d{8}"},
		valid:  checkLuhnLast,
		prior:  0.25, strength: 0.6,
	},
	{
		id: "old_dominion_guaranteed", name: "Old Dominion Guaranteed", carrier: "old-dominion", country: "US",
		source: srcTND + "old_dominion.json (Old Dominion Guaranteed Shipment)",
		check:  "Luhn",
		pats:   []string{"80\\d{9}"},
		valid:  checkLuhnLast,
		prior:  0.2, strength: 0.6,
	},
	{
		id: "speedee", name: "Spee-Dee", carrier: "speedee", country: "US",
		source: srcTND + "speedee.json; no check digit published",
		pats:   []string{"SP\\d{18}"},
		prior:  0.7, specific: true,
	},
	{
		id: "gofo_us", name: "GOFO Express (US)", carrier: "gofo", country: "US",
		source: srcTND + "gofo.json; no check digit published",
		pats:   []string{"GFUS\\d{14}"},
		prior:  0.85, specific: true,
	},
	{
		id: "landmark_global", name: "Landmark Global LTN", carrier: "landmark-global",
		source: srcTND + "landmark.json (8 digits); 9-digit serials observed in SDK fixtures (research note, section 5); no check digit published",
		pats:   []string{"LTN\\d{8,9}N1"},
		prior:  0.85, specific: true,
	},
	{
		id: "canada_post", name: "Canada Post (16)", carrier: "canada-post", country: "CA",
		source: srcTND + "canadapost.json",
		check:  "GS1 mod 10",
		pats:   []string{"\\d{16}"},
		valid:  checkGS1Last,
		prior:  0.3, strength: 0.6,
	},
	{
		id: "canpar_22", name: "Canpar (22)", carrier: "canpar", country: "CA",
		source: srcTND + "canpar.json; no check digit published",
		pats:   []string{"[CDKLSUXZ]\\d{21}"},
		prior:  0.6, specific: true,
	},
	{
		id: "purolator_numeric", name: "Purolator (12)", carrier: "purolator", country: "CA",
		source: srcTND + "purolator.json (purolator_numeric)",
		check:  "Luhn",
		pats:   []string{"[0-5]\\d{11}"},
		valid:  checkLuhnLast,
		prior:  0.25, strength: 0.6,
	},
	{
		id: "purolator_alpha", name: "Purolator (3 letters + 9)", carrier: "purolator", country: "CA",
		source: srcTND + "purolator.json (purolator_alpha); no check digit published",
		pats:   []string{"\\L{3}\\d{9}"},
		prior:  0.3,
	},
}

var (
	w317 = [3]int{3, 1, 7}
	w173 = [3]int{1, 7, 3}

	impbAIMeaning      = lookup(impbAI)
	uspsSTCMeaning     = lookup(uspsSTC)
	uspsServiceMeaning = lookup(uspsServices)
)

// upsServiceKnown marks the codeIndex of every code in upsServices.
var upsServiceKnown = func() (t [1332]bool) {
	for k := range upsServices {
		i, ok := codeIndex(k)
		if !ok || i >= len(t) {
			panic("trackno: UPS service code " + k + " is not two symbols")
		}
		t[i] = true
	}
	return t
}()

// upsEmit adds USPS as the last-mile carrier of UPS SurePost (service YW).
func upsEmit(n []byte, base cand, out []cand) []cand {
	out = append(out, base)
	if n[8] == 'Y' && n[9] == 'W' {
		c := base
		c.carrier = uspsRef.id
		c.score = base.score * 0.6
		c.reasons |= ReasonSharedBarcode
		out = append(out, c)
	}
	return out
}

func onTracValid(n []byte, lead byte) bool {
	s := n[1:14]
	if s[0] == lead {
		return lastIs(n, mod10Alt(s, 1, 2))
	}
	var buf [14]byte
	buf[0] = lead
	copy(buf[1:], s)
	return lastIs(n, mod10Alt(buf[:], 1, 2))
}

// IMpb bodies. N constructs start 94; the mailer id has 9 digits when it
// starts with 9, else 6, and the serial length follows from both.
func impbN[T ~string | ~[]byte](b T) bool {
	if len(b) < 22 || b[0] != '9' || b[1] != '4' {
		return false
	}
	if b[5] == '9' {
		s := len(b) - 15
		return s == 15 || s == 11 || s == 7
	}
	s := len(b) - 12
	return s == 14 || s == 10
}

// C constructs start 92 (9-digit mailer id), 93 (6-digit) or 95 (retail).
func impbC[T ~string | ~[]byte](b T) bool {
	if (len(b) != 22 && len(b) != 26) || b[0] != '9' {
		return false
	}
	switch b[1] {
	case '2':
		return b[5] == '9'
	case '3':
		return b[5] != '9'
	case '5':
		return true
	}
	return false
}

// impbBody finds the IMpb body after an optional 420+ZIP5 or 420+ZIP9
// routing prefix, trying the layouts USPS allows; the first layout whose
// check digit holds wins, else the first that fits.
func impbBody[T ~string | ~[]byte](n T, ok func(T) bool) (int, bool) {
	first := -1
	for _, s := range [...]int{12, 8, 0} {
		if s > 0 {
			if len(n) <= s || n[0] != '4' || n[1] != '2' || n[2] != '0' {
				continue
			}
			if l := len(n) - s; (s == 12 && l != 22) || (s == 8 && l != 22 && l != 26) {
				continue
			}
		}
		b := n[s:]
		if !ok(b) {
			continue
		}
		if gs1(b[:len(b)-1]) == int(b[len(b)-1]-'0') {
			return s, true
		}
		if first < 0 {
			first = s
		}
	}
	return first, first >= 0
}

func impbFields(ok func(string) bool) func(n string, dst []Field) []Field {
	return func(n string, dst []Field) []Field {
		s, found := impbBody(n, ok)
		if !found {
			return dst
		}
		if s > 0 {
			dst = append(dst, Field{Name: "destination_zip", Value: n[3:s]})
		}
		b := n[s:]
		mid := 9
		if b[5] != '9' {
			mid = 6
		}
		return append(dst,
			Field{Name: "application_identifier", Value: b[:2], Meaning: impbAIMeaning(b[:2])},
			Field{Name: "service_type_code", Value: b[2:5], Meaning: uspsSTCMeaning(b[2:5])},
			Field{Name: "mailer_id", Value: b[5 : 5+mid]},
			Field{Name: "serial", Value: b[5+mid : len(b)-1]},
		)
	}
}

// legacyBody finds the 20- or 22-digit body of a USPS legacy number after
// an optional 420+ZIP5 or 420+ZIP9 prefix. A 22-digit body starts 91.
func legacyBody[T ~string | ~[]byte](n T) (T, bool) {
	for _, s := range [...]int{0, 8, 12} {
		if s > 0 && (len(n) <= s || n[0] != '4' || n[1] != '2' || n[2] != '0') {
			continue
		}
		b := n[s:]
		switch len(b) {
		case 20:
			return b, true
		case 22:
			if b[0] == '9' && b[1] == '1' {
				return b, true
			}
		}
	}
	return n[:0], false
}
