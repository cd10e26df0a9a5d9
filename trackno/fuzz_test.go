package trackno

import (
	"testing"
	"unicode/utf8"

	"github.com/waypost/waypost/carrier"
)

func fuzzSeeds(f *testing.F) {
	for _, s := range []string{
		"1Z5R89390357567127", "RR123456785CN", "rr 123 456 785 cn", "9400 1112 0108 0805 4830 16",
		"https://www.ups.com/track?tracknum=1Z5R89390357567127", "https://t.17track.net/en#nums=RR123456785CN",
		"ＲＲ１２３４５６７８５ＣＮ", "", "\xff\xfe", "420221539101026837331000039521", email,
		"1LS7119013618127-1", "LTN74207623N1", "008182709980000020033350276C",
	} {
		f.Add(s)
	}
}

func FuzzDetect(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, in string) {
		r := Detect(in)
		if r.Valid && len(r.Candidates) == 0 {
			t.Fatalf("valid without candidates: %q", in)
		}
		if !r.Valid && r.Error == "" {
			t.Fatalf("invalid without error: %q", in)
		}
		for i, c := range r.Candidates {
			if c.Score < 0 || c.Score > 1 || c.Carrier == "" || c.Format == "" {
				t.Fatalf("bad candidate %+v for %q", c, in)
			}
			if i > 0 && c.Score > r.Candidates[i-1].Score {
				t.Fatalf("unsorted candidates for %q", in)
			}
			if info := carrier.LookupPtr(c.Carrier); info == nil || c.URL() != info.TrackingURL(r.Number) {
				t.Fatalf("%s: URL %q differs from the directory's", in, c.URL())
			}
			_ = c.Fields()
		}
		for i := 0; i < len(r.Number); i++ {
			if !isNorm(r.Number[i]) {
				t.Fatalf("number %q has byte %q", r.Number, r.Number[i])
			}
		}
	})
}

func FuzzSearch(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, in string) {
		for _, r := range Search(in) {
			if !r.Valid || len(r.Candidates) == 0 {
				t.Fatalf("Search reported an invalid result %+v", r)
			}
		}
	})
}

func FuzzNormalize(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, in string) {
		n, err := Normalize(in)
		if err != "" {
			if n != "" {
				t.Fatalf("error %q with number %q", err, n)
			}
			return
		}
		if n == "" || !utf8.ValidString(n) {
			t.Fatalf("empty or invalid number for %q", in)
		}
		for i := 0; i < len(n); i++ {
			if !isNorm(n[i]) {
				t.Fatalf("Normalize(%q) = %q has byte %q", in, n, n[i])
			}
		}
		if again, err := Normalize(n); again != n || err != "" {
			t.Fatalf("Normalize not idempotent: %q -> %q -> %q (%s)", in, n, again, err)
		}
	})
}
