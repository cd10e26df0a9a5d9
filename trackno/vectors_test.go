package trackno

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

type vector struct {
	format, number, checksum, source string
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	f, err := os.Open("testdata/vectors.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []vector
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.Split(line, "\t")
		if len(p) != 4 || p[3] == "" {
			t.Fatalf("bad vector line %q (want 4 tab-separated columns with a source)", line)
		}
		out = append(out, vector{p[0], p[1], p[2], p[3]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// candidateOf returns the candidate of format id, ignoring the per-carrier
// merge: it looks at what the matcher produced before ranking.
func candidateOf(number, id string) (Candidate, bool) {
	d := NewDetector(Hints{})
	var buf [maxNumber]byte
	out, a, b, same, err := normalize(buf[:0], number)
	if err != "" {
		return Candidate{}, false
	}
	n := string(out)
	if same {
		n = number[a:b]
	}
	nb := []byte(n)
	allDigits := !hasLetter(nb)
	for _, f := range formats {
		if f.id == id && f.matches(nb, allDigits) && (f.accept == nil || f.accept(nb)) {
			c := f.candidates(nb, d.work[:0])[0]
			out := make([]Candidate, 1)
			materialize(out, []cand{c}, n)
			return out[0], true
		}
	}
	return Candidate{}, false
}

func TestVectors(t *testing.T) {
	known := map[string]bool{}
	for _, f := range formats {
		known[f.id] = true
	}
	covered := map[string]bool{}
	for _, v := range loadVectors(t) {
		if !known[v.format] {
			t.Errorf("vector %s names unknown format %q", v.number, v.format)
			continue
		}
		covered[v.format] = true
		c, ok := candidateOf(v.number, v.format)
		if !ok {
			t.Errorf("%s %q (%s): format does not match", v.format, v.number, v.source)
			continue
		}
		if c.Checksum.String() != v.checksum {
			t.Errorf("%s %q (%s): checksum %s, want %s", v.format, v.number, v.source, c.Checksum, v.checksum)
		}
		r := Detect(v.number)
		if want := v.checksum != "invalid"; want && !r.Valid {
			t.Errorf("%s %q: Detect says invalid (%s)", v.format, v.number, r.Error)
		}
	}
	// Every format beyond tracking_number_data has a vector of its own.
	for _, f := range formats {
		if !strings.Contains(f.source, "tracking_number_data") && !covered[f.id] {
			switch f.id {
			case "dpd_14_bare", "sf_express_12", "sto", "yunda", "4px_dy", "auspost_consignment", "aramex_11", "parcelforce_9":
				// Generic shapes: exercised by TestAmbiguousNumbers.
			default:
				t.Errorf("format %s has no vector in testdata/vectors.tsv", f.id)
			}
		}
	}
}

// fullDetection lists the check algorithms that catch every single-digit
// substitution: GS1 and other weights coprime to 10, Luhn, ISO 7064 MOD
// 37,36 and GLS. The others cannot, by construction: mod 10 with weight 2
// or 4 misses a change of 5, mod 7 misses a change of 7, and the mod 11
// schemes fold remainders together to fit one digit (S10 reads both 0 and
// 6 as check 5; "mod 11 mod 10" reads 0 and 10 as 0). For those the test
// asserts a high catch rate and that a changed check digit is always
// caught.
var fullDetection = map[string]bool{
	"GS1 mod 10": true, "GS1 mod 10 over the IMpb body": true, "GS1 mod 10 over digits 8-21": true,
	"GS1 mod 10 with 91 prepended when absent": true, "Luhn": true,
	"ISO/IEC 7064 MOD 37,36": true, "mod 10, weights 3,1 from the left, plus 1": true,
}

func TestSingleDigitChangeFailsCheck(t *testing.T) {
	// Valid numbers for every format with a check digit: our vectors and,
	// where present, tracking_number_data's (checked by the conformance
	// test; here we only need one valid number per format).
	valid := map[string][]string{}
	for _, v := range loadVectors(t) {
		if v.checksum == "valid" {
			valid[v.format] = append(valid[v.format], v.number)
		}
	}
	for id, nums := range map[string][]string{
		"ups": {"1Z5R89390357567127"}, "ups_waybill": {"K1506235620"}, "fedex_12": {"986578788855"},
		"fedex_34": {"1001921334250001000300779017972697"}, "fedex_astra_32": {"32971514560102447849175802862014"},
		"fedex_ground": {"041441760228964"}, "fedex_ground_sscc_18": {"000123450000000027"},
		"fedex_ground_96": {"9611020987654312345672"}, "fedex_ground_gsn": {"9622001900000000000000776632517510"},
		"usps_impb_n": {"9400111206206406260787"}, "usps_impb_c": {"9505511069605048600624"},
		"usps_20": {"03071790000523483741"}, "usps_legacy": {"9101123456789000000013"},
		"ontrac_c": {"C11031500001879"}, "ontrac_d": {"D10011354453707"}, "old_dominion": {"07209562763"},
		"old_dominion_guaranteed": {"80003280379"}, "canada_post": {"0073938000549297"},
		"purolator_numeric": {"320595463938"}, "dhl_express": {"3318810025", "73891051146"},
		"dpd": {"008182709980000020033350276C"},
	} {
		valid[id] = append(valid[id], nums...)
	}
	for _, f := range formats {
		if f.valid == nil {
			continue
		}
		// IMpb and USPS legacy vectors carry no routing prefix, so the
		// whole number is the protected body.
		nums := valid[f.id]
		if len(nums) == 0 {
			t.Errorf("format %s has a check digit but no valid number to mutate", f.id)
			continue
		}
		tried, caught := 0, 0
		for _, num := range nums {
			c, ok := candidateOf(num, f.id)
			if !ok || c.Checksum != ChecksumValid {
				t.Errorf("%s: base number %s is not valid (%v)", f.id, num, c.Checksum)
				continue
			}
			n := []byte(c.number)
			from, to := f.checkSpan[0], f.checkSpan[1]
			if to <= 0 {
				to += len(n)
			}
			for i := from; i < to; i++ {
				orig := n[i]
				if orig > '9' {
					continue // letters are prefixes or country codes
				}
				for d := byte('0'); d <= '9'; d++ {
					if d == orig {
						continue
					}
					n[i] = d
					m, ok := candidateOf(string(n), f.id)
					held := ok && m.Checksum == ChecksumValid
					tried++
					if !held {
						caught++
					} else if i == to-1 {
						t.Errorf("%s: changing the check digit of %s to %c still validates", f.id, num, d)
					} else if fullDetection[f.check] {
						t.Errorf("%s (%s): %s with position %d changed to %c still validates", f.id, f.check, num, i, d)
					}
				}
				n[i] = orig
			}
		}
		rate := float64(caught) / float64(tried)
		if !fullDetection[f.check] && rate < 0.8 {
			t.Errorf("%s (%s): only %.1f%% of single-digit changes caught", f.id, f.check, 100*rate)
		}
		t.Logf("%-24s %-48s %5.1f%% of %d single-digit changes caught", f.id, f.check, 100*rate, tried)
	}
}
