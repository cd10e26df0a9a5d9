package trackno

import "testing"

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"1Z5R89390357567127", "1Z5R89390357567127", ""},
		{"  1z 5r8 939 0357 567 127\n", "1Z5R89390357567127", ""},
		{"RR-123.456-785 cn", "RR123456785CN", ""},
		{"\"(RR123456785CN)\".", "RR123456785CN", ""},
		{"«RR123456785CN»", "RR123456785CN", ""},
		{"ＲＲ１２３４５６７８５ＣＮ", "RR123456785CN", ""},   // full-width
		{"ｒｒ　１２３４５６７８５　ｃｎ", "RR123456785CN", ""}, // full-width lower case, ideographic spaces
		{"Tracking number: 1Z5R89390357567127", "1Z5R89390357567127", ""},
		{"#1Z5R89390357567127", "1Z5R89390357567127", ""},
		{"9400\u00a01112\u00a00108", "940011120108", ""},
		{"https://www.ups.com/track?loc=en_US&tracknum=1Z5R89390357567127&requester=ST", "1Z5R89390357567127", ""},
		{"https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111206206406260787", "9400111206206406260787", ""},
		{"https://www.fedex.com/fedextrack/?trknbr=986578788855", "986578788855", ""},
		{"https://t.17track.net/en#nums=RR123456785CN", "RR123456785CN", ""},
		{"https://parcelsapp.com/en/tracking/LP00123456789012", "LP00123456789012", ""},
		{"www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=00340433836442636597", "00340433836442636597", ""},
		{"https://auspost.com.au/mypost/track/details/ABC123456789123456", "ABC123456789123456", ""},
		{"", "", ErrEmpty},
		{"   \t ", "", ErrEmpty},
		{"1Z5R8939@0357567127", "", ErrCharacters},
		{"RR123456785CN\xff", "", ErrCharacters},
		{"\x00\x01\x02", "", ErrCharacters},
		{string(make([]byte, MaxInput+1)), "", ErrTooLong},
		{"1234567890123456789012345678901234567890123456789012345", "", ErrTooLong},
		{"https://example.com/", "", ErrNoNumberInURL},
	} {
		got, err := Normalize(tc.in)
		if got != tc.want || err != tc.err {
			t.Errorf("Normalize(%q) = %q, %q; want %q, %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestDetectURLKeepsInputAndFindsNumber(t *testing.T) {
	in := "https://www.ups.com/track?tracknum=1Z5R89390357567127"
	r := Detect(in)
	if r.Input != in || r.Number != "1Z5R89390357567127" || !r.Valid {
		t.Fatalf("Detect(URL) = %+v", r)
	}
	if b, _ := r.Best(); b.Carrier != "ups" {
		t.Errorf("best carrier %q, want ups", b.Carrier)
	}
	// A URL whose parameters hold several values: the number wins over
	// the other parameters.
	r = Detect("https://tracker.example/?lang=en&id=RR123456785CN&ref=newsletter")
	if r.Number != "RR123456785CN" {
		t.Errorf("number %q, want RR123456785CN", r.Number)
	}
}
