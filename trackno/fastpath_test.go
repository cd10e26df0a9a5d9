package trackno

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The detector's fast paths are checked here against the plain
// definitions they replace: byte-by-byte classification, normalize, the
// pattern matcher, straightforward check-digit loops and math.Round.

func randString(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

const (
	alnumUpper = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	// edgeBytes sit just outside the classes the fast paths test for.
	edgeBytes = "/:@[`{\x7f\x80\xff az-.#\x00"
)

func TestPlainDigits(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		s := randString(r, alnumUpper, 1+r.IntN(maxNumber))
		if r.IntN(3) == 0 {
			b := []byte(s)
			b[r.IntN(len(b))] = edgeBytes[r.IntN(len(edgeBytes))]
			s = string(b)
		}
		var want uint64
		wantOK := true
		for k := 0; k < len(s); k++ {
			switch c := s[k]; {
			case c >= '0' && c <= '9':
				want |= 1 << k
			case c >= 'A' && c <= 'Z':
			default:
				wantOK = false
			}
		}
		got, ok := plainDigits(s)
		if ok != wantOK || (ok && got != want) {
			t.Fatalf("plainDigits(%q) = %b, %v; want %b, %v", s, got, ok, want, wantOK)
		}
	}
}

func TestFoldAgreesWithNormalize(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	d := NewDetector(Hints{})
	for i := 0; i < 20000; i++ {
		s := randString(r, alnumUpper+"abcxyz  --", r.IntN(60))
		if r.IntN(4) == 0 && s != "" {
			b := []byte(s)
			b[r.IntN(len(b))] = edgeBytes[r.IntN(len(edgeBytes))]
			s = string(b)
		}
		a, b := trimSpace(s)
		got, digits, ok := d.fold(s[a:b])
		if !ok {
			continue
		}
		var buf [maxNumber]byte
		out, na, nb, same, err := normalize(buf[:0], s)
		want := string(out)
		if same {
			want = s[na:nb]
		}
		if err != "" || got != want || digits != digitBits([]byte(want)) {
			t.Fatalf("fold(%q) = %q %b; normalize = %q, %q", s, got, digits, want, err)
		}
	}
}

func TestRoutesAgreeWithPatterns(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	// Prefixes that reach the formats with literal starts.
	prefixes := []string{"", "1Z", "1LS7", "1LSCX", "420", "94", "92", "93", "95", "96", "003404", "JJD", "JD", "J",
		"LTN", "GFUS", "SP", "TB", "LP", "CNUSUP", "4PX", "DY", "SF", "JT", "YT", "3S", "PB", "GM", "77", "88", "80"}
	for i := 0; i < 60000; i++ {
		s := prefixes[r.IntN(len(prefixes))]
		switch r.IntN(3) {
		case 0:
			s += randString(r, "0123456789", r.IntN(maxNumber))
		case 1:
			s += randString(r, alnumUpper, r.IntN(maxNumber))
		default:
			s += randString(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", r.IntN(4)) + randString(r, "0123456789", r.IntN(36)) +
				randString(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", r.IntN(3))
		}
		if s == "" || len(s) > maxNumber {
			continue
		}
		n := []byte(s)
		digits := digitBits(n)
		var want, got []string
		for _, f := range formats {
			if f.matches(n, digits == 1<<len(n)-1) {
				want = append(want, f.id)
			}
		}
		rs := routes[len(n)][sym[n[0]]]
		for k := 0; k < len(rs); k++ {
			if rs[k].fits(n, digits) {
				got = append(got, rs[k].f.id)
				k += rs[k].rest
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%s: routes give %v, patterns %v", s, got, want)
		}
		for k := range got {
			if got[k] != want[k] {
				t.Fatalf("%s: routes give %v, patterns %v", s, got, want)
			}
		}
	}
}

func TestChecksumsAgreeWithDefinitions(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 5000; i++ {
		s := []byte(randString(r, "0123456789", 1+r.IntN(40)))
		var g, l, m7, gl, id, w int
		for k := range s { // weights from the right for GS1 and Luhn
			d := int(s[len(s)-1-k] - '0')
			if k%2 == 0 {
				g += 3 * d
				if d *= 2; d > 9 {
					d -= 9
				}
			} else {
				g += d
			}
			l += d
		}
		for k, c := range s { // weights from the left for the others
			d := int(c - '0')
			m7 = (m7*10 + d) % 7
			gl += d * [2]int{3, 1}[k%2]
			id += d * [2]int{4, 9}[k%2]
			w += d * w317[k%3]
		}
		if want := (10 - g%10) % 10; gs1(s) != want {
			t.Fatalf("gs1(%s) = %d, want %d", s, gs1(s), want)
		}
		if want := (10 - l%10) % 10; luhn(s) != want {
			t.Fatalf("luhn(%s) = %d, want %d", s, luhn(s), want)
		}
		if mod7(s) != m7 {
			t.Fatalf("mod7(%s) = %d, want %d", s, mod7(s), m7)
		}
		if want := (10 - (gl+1)%10) % 10; glsCheck(s) != want {
			t.Fatalf("glsCheck(%s) = %d, want %d", s, glsCheck(s), want)
		}
		if want := (10 - id%10) % 10; identcode(s) != want {
			t.Fatalf("identcode(%s) = %d, want %d", s, identcode(s), want)
		}
		if want := w % 11 % 10; weighted(s, w317, 11, 10) != want {
			t.Fatalf("weighted(%s) = %d, want %d", s, weighted(s, w317, 11, 10), want)
		}
		a := []byte(randString(r, alnumUpper, 1+r.IntN(20)))
		sum := 0
		for k, c := range a {
			v := int(c - '0')
			if c >= 'A' {
				v = int(c-3) % 10
			}
			sum += v * [2]int{1, 2}[k%2]
		}
		if want := (10 - sum%10) % 10; mod10Alt(a, 1, 2) != want {
			t.Fatalf("mod10Alt(%s) = %d, want %d", a, mod10Alt(a, 1, 2), want)
		}
	}
}

func TestRoundScore(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	check := func(s float64) {
		c := math.Min(s, 0.99)
		if c < 0 {
			c = 0
		}
		want := math.Round(c*1000) / 1000
		got, th := roundScore(s)
		if got != want || math.Signbit(got) != math.Signbit(want) || float64(th) != math.Round(c*1000) {
			t.Fatalf("roundScore(%v) = %v, want %v", s, got, want)
		}
	}
	for _, s := range []float64{0, math.Copysign(0, -1), -0.3, 0.0005, 0.0015, 0.4995, 0.9905, 0.99, 1.2, 0.3 * 0.2, 0.6 + 0.4*0.8} {
		check(s)
	}
	for i := 0; i < 200000; i++ {
		check(r.Float64() * 1.1)
		check(float64(r.IntN(1000))/1000 + float64(r.IntN(3)-1)*1e-15 + 0.0005)
	}
}
