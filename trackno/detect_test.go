package trackno

import (
	"testing"

	"github.com/waypost/waypost/carrier"
)

func carriersOf(r Result) []string {
	var out []string
	for _, c := range r.Candidates {
		out = append(out, c.Carrier)
	}
	return out
}

func TestS10ModelledApartFromIssuer(t *testing.T) {
	r := Detect("RR123456785CN")
	b, ok := r.Best()
	if !ok || b.Format != "s10" || b.Carrier != "china-post" || r.Country != "CN" || b.Checksum != ChecksumValid {
		t.Fatalf("RR123456785CN: %+v", r)
	}
	fields := map[string]Field{}
	for _, f := range b.Fields() {
		fields[f.Name] = f
	}
	if fields["service_indicator"].Value != "RR" || fields["service_indicator"].Meaning == "" || fields["country"].Value != "CN" {
		t.Errorf("fields %+v", fields)
	}
	// EMS from China is China EMS first, China Post second.
	r = Detect("EA123456785CN")
	if got := carriersOf(r); len(got) < 2 || got[0] != "china-ems" || got[1] != "china-post" {
		t.Errorf("EA…CN candidates %v, want china-ems then china-post", got)
	}
	// A country with no post is not an S10 number.
	if r := Detect("RB123456785XX"); r.Valid {
		t.Errorf("RB123456785XX valid: %+v", r)
	}
	// Every country with a post is accepted, including those missing from
	// tracking_number_data.
	for _, cc := range carrier.PostCountries() {
		n := "RR123456785" + cc
		r := Detect(n)
		p, _ := carrier.PostOf(cc)
		if b, _ := r.Best(); !r.Valid || b.Carrier != p.Slug || r.Country != cc {
			t.Errorf("%s: best %s country %q, want %s %s", n, b.Carrier, r.Country, p.Slug, cc)
		}
	}
}

func TestAmbiguousNumbers(t *testing.T) {
	for _, tc := range []struct {
		number string
		want   []string // carriers that must be candidates
		best   string
	}{
		// IMpb: USPS first, the shippers that hand parcels to USPS after.
		{"9400111206206406260787", []string{"usps", "fedex", "ups"}, "usps"},
		// DHL Paket 00340434… also passes USPS 20's GS1 check.
		{"00340433836442636597", []string{"dhl-germany", "usps"}, "dhl-germany"},
		// 12 digits: FedEx, DHL Paket Identcode and GLS checks all hold.
		{"201298452277", []string{"fedex", "dhl-germany", "gls", "sf-express"}, "fedex"},
		// 14 digits without check: DHL eCommerce, DPD; Hermes' check fails.
		{"60120172242323", []string{"dhl-ecommerce", "dpd"}, ""},
		// Japanese 12-digit mod 7 numbers: three carriers share the rule.
		{"405548424886", []string{"japan-post", "yamato", "sagawa"}, "japan-post"},
		// UPS SurePost: USPS delivers.
		{"1ZXX3150YW44070023", []string{"ups", "usps"}, "ups"},
	} {
		r := Detect(tc.number)
		if !r.Valid {
			t.Errorf("%s: not valid: %v", tc.number, summary(r))
			continue
		}
		got := map[string]bool{}
		for _, c := range r.Candidates {
			got[c.Carrier] = true
			if c.Score < 0 || c.Score > 1 {
				t.Errorf("%s: %s score %v out of range", tc.number, c.Carrier, c.Score)
			}
			if c.URL() == "" {
				t.Errorf("%s: %s has no tracking URL", tc.number, c.Carrier)
			}
		}
		for _, w := range tc.want {
			if !got[w] {
				t.Errorf("%s: %s missing from %v", tc.number, w, summary(r))
			}
		}
		if tc.best != "" && r.Candidates[0].Carrier != tc.best {
			t.Errorf("%s: best %s, want %s (%v)", tc.number, r.Candidates[0].Carrier, tc.best, summary(r))
		}
		for i := 1; i < len(r.Candidates); i++ {
			if r.Candidates[i].Score > r.Candidates[i-1].Score {
				t.Errorf("%s: candidates not sorted: %v", tc.number, summary(r))
			}
		}
	}
}

func TestValidity(t *testing.T) {
	for _, tc := range []struct {
		in    string
		valid bool
		err   string
	}{
		{"1Z5R89390357567127", true, ""},
		{"1Z5R89390357567128", false, ErrCheckDigit}, // the only matching format's check fails
		{"TBA000000000000", true, ""},                // no check digit, distinctive prefix
		{"hello", false, ErrNoFormat},
		{"", false, ErrEmpty},
	} {
		r := Detect(tc.in)
		if r.Valid != tc.valid || r.Error != tc.err {
			t.Errorf("Detect(%q): valid %v error %q, want %v %q", tc.in, r.Valid, r.Error, tc.valid, tc.err)
		}
	}
	// An invalid check digit keeps its candidate, ranked low and marked.
	r := Detect("1Z5R89390357567128")
	if len(r.Candidates) != 1 || r.Candidates[0].Checksum != ChecksumInvalid || r.Candidates[0].Reasons&ReasonCheckDigitFails == 0 {
		t.Errorf("invalid UPS: %+v", r.Candidates)
	}
}

func TestHints(t *testing.T) {
	// 12 digits: with no hint FedEx leads; preferring GLS puts GLS first.
	r := DetectHints("201298452277", Hints{Preferred: []string{"gls"}})
	if b, _ := r.Best(); b.Carrier != "gls" || b.Reasons&ReasonPreferred == 0 {
		t.Errorf("preferred gls: %v", summary(r))
	}
	// Enabled carriers: others are ranked down.
	r = DetectHints("201298452277", Hints{Enabled: []string{"dhl-germany"}})
	if b, _ := r.Best(); b.Carrier != "dhl-germany" {
		t.Errorf("enabled dhl-germany: %v", summary(r))
	}
	// Origin country: the Japanese carriers win a 12-digit number that
	// fits both their rule and others'.
	r = DetectHints("405548424886", Hints{Origin: "JP"})
	if b, _ := r.Best(); b.Country != "JP" || b.Reasons&ReasonHintOrigin == 0 {
		t.Errorf("origin JP: %v", summary(r))
	}
	// Destination of an S10 item: the destination post joins as the
	// hand-over carrier.
	r = DetectHints("RR123456785CN", Hints{Destination: "de"})
	var handOver *Candidate
	for i := range r.Candidates {
		if r.Candidates[i].Reasons&ReasonHandOver != 0 {
			handOver = &r.Candidates[i]
		}
	}
	if handOver == nil || handOver.Carrier != "deutsche-post" || r.Candidates[0].Carrier != "china-post" {
		t.Errorf("destination DE: %v", summary(r))
	}
}

func TestEveryFormatIsSourcedAndNamesAKnownCarrier(t *testing.T) {
	if len(Formats()) < 60 {
		t.Errorf("only %d formats", len(Formats()))
	}
	for _, f := range Formats() {
		if f.Source == "" || len(f.Patterns) == 0 {
			t.Errorf("format %s lacks a source or pattern", f.ID)
		}
		if f.Carrier != "" {
			if _, ok := carrier.Lookup(f.Carrier); !ok {
				t.Errorf("format %s: carrier %q not in the directory", f.ID, f.Carrier)
			}
		}
	}
}

func TestDetectorAllocations(t *testing.T) {
	d := NewDetector(Hints{})
	inputs := []string{"1Z5R89390357567127", "RR123456785CN", "9400111206206406260787", "201298452277", "hello", ""}
	allocs := testing.AllocsPerRun(200, func() {
		for _, in := range inputs {
			d.Detect(in)
		}
	})
	if allocs != 0 {
		t.Errorf("Detector.Detect allocates %.1f times per %d numbers, want 0", allocs, len(inputs))
	}
	allocs = testing.AllocsPerRun(200, func() { Detect("rr 123 456 785 cn") })
	if allocs > 2 {
		t.Errorf("Detect allocates %.1f times per number, want at most 2", allocs)
	}
}

func TestPatternCompiler(t *testing.T) {
	p := compilePattern("1Z.{15}\\d")
	if !p.match([]byte("1Z5R89390357567127"), false) || p.match([]byte("1Z5R8939035756712X"), false) {
		t.Error("1Z pattern")
	}
	p = compilePattern("[A-HJ0-2]\\L{2,3}\\d")
	for in, want := range map[string]bool{"AXY1": true, "JXYZ1": true, "IXY1": false, "2AB3": true, "3AB3": false, "AXY": false} {
		if got := p.match([]byte(in), false); got != want {
			t.Errorf("%q: %v, want %v", in, got, want)
		}
	}
	for _, bad := range []string{"", "[A-", "\\d{2,1}", "a", "\\d{1,2}\\L{1,2}"} {
		func() {
			defer func() { _ = recover() }()
			compilePattern(bad)
			t.Errorf("compilePattern(%q) did not panic", bad)
		}()
	}
}
