// Package corpus generates mixed, realistic-looking tracking-number inputs
// for benchmarks and for measuring the bulk CLI.
package corpus

import (
	"math/rand/v2"
	"strings"
	"time"

	"github.com/waypost/waypost/trackno"
)

// template: d digit, L letter, A digit or letter, ? the check character
// (solved so the number is valid for format), anything else literal.
type template struct {
	pat, format string
	weight      int
}

var templates = []template{
	{"1ZAAAAAA03ddddddd?", "ups", 10},
	{"1ZAAAAAAYWddddddd?", "ups", 2},
	{"LLdddddddd?CN", "s10", 10},
	{"LLdddddddd?US", "s10", 3},
	{"LLdddddddd?GB", "s10", 3},
	{"LLdddddddd?DE", "s10", 2},
	{"LLdddddddd?YP", "yanwen_s10", 2},
	{"9400111dddddddddddddd?", "usps_impb_n", 8},
	{"9261290ddddddddddddddddddd?", "usps_impb_c", 3},
	{"420100019400111dddddddddddddd?", "usps_impb_n", 1},
	{"ddddddddddd?", "fedex_12", 6},
	{"dddddddddddddd?", "fedex_ground", 2},
	{"ddddddddd?", "dhl_express", 4},
	{"JJDdddddddddddddddddd", "dhl_paket_jjd", 1},
	{"003404dddddddddddddd?", "dhl_paket_20", 2},
	{"ddddddddddddd?", "dpd_14", 1},
	{"TBAdddddddddddd", "amazon_logistics", 4},
	{"LPdddddddddddddd", "cainiao_lp", 4},
	{"YTdddddddddddddddd", "yunexpress", 2},
	{"SFddddddddddddd", "sf_express", 1},
	{"JTddddddddddddd", "jtexpress", 1},
	{"3SLLLLddddddddd", "postnl_3s", 1},
	{"ddddddddddddddd?", "canada_post", 1},
	{"C1ddddddddddd?", "ontrac_c", 1},
	{"ddddddddddd?", "japan_12", 1},
}

var noise = []string{
	"", "not a number", "hello world", "Order #123456", "+1 (555) 123-4567", "2024-05-06",
	"thank you for your order", "SKU-ABC-123", "12345", "ZZ123456789ZZ",
}

// Generate returns n inputs: about 85% valid numbers of many formats (some
// pasted with spaces or in lower case), the rest bad input and noise. The
// same seed gives the same corpus.
func Generate(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	total := 0
	for _, t := range templates {
		total += t.weight
	}
	out := make([]string, 0, n)
	for len(out) < n {
		if r.IntN(100) < 15 {
			s := noise[r.IntN(len(noise))]
			if r.IntN(3) == 0 {
				s = randDigits(r, 8+r.IntN(20))
			}
			out = append(out, s)
			continue
		}
		k := r.IntN(total)
		var t template
		for _, t = range templates {
			if k < t.weight {
				break
			}
			k -= t.weight
		}
		s, ok := fill(r, t)
		if !ok {
			continue
		}
		switch r.IntN(10) {
		case 0:
			s = strings.ToLower(s)
		case 1:
			s = spaced(s)
		}
		out = append(out, s)
	}
	return out
}

func randDigits(r *rand.Rand, l int) string {
	b := make([]byte, l)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
const alnum = "0123456789" + letters

func fill(r *rand.Rand, t template) (string, bool) {
	b := []byte(t.pat)
	check := -1
	for i, c := range b {
		switch c {
		case 'd':
			b[i] = byte('0' + r.IntN(10))
		case 'L':
			b[i] = "RLECUV"[r.IntN(6)]
			if i > 0 && b[i-1] >= 'A' && b[i-1] <= 'Z' && t.format != "postnl_3s" {
				b[i] = letters[r.IntN(26)]
			}
			if t.format == "postnl_3s" {
				b[i] = letters[r.IntN(26)]
			}
		case 'A':
			b[i] = alnum[r.IntN(36)]
		case '?':
			check = i
		}
	}
	if check < 0 {
		return string(b), true
	}
	for _, c := range alnum {
		b[check] = byte(c)
		res := trackno.Detect(string(b))
		for _, cand := range res.Candidates {
			if cand.Format == t.format && cand.Checksum == trackno.ChecksumValid {
				return string(b), true
			}
		}
	}
	return "", false
}

func spaced(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 && i%4 == 0 {
			sb.WriteByte(' ')
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}

// PerCPUSecond returns n divided by the CPU seconds used since start (a
// CPUTime reading), or 0 when CPU time is unknown.
func PerCPUSecond(n int, start time.Duration) float64 {
	used := CPUTime() - start
	if start == 0 || used <= 0 {
		return 0
	}
	return float64(n) / used.Seconds()
}
