package sandbox

import (
	"math/rand/v2"
	"strings"
)

// Tracking number makers, one per format, each with the format's check
// digit where it has one. The structures are the published ones (UPS 1Z,
// FedEx Express 12, DHL Express waybill, UPU S10, USPS IMpb, Canada Post 16)
// and the observed ones for formats without a check digit (Colissimo,
// PostNL 3S, Australia Post eParcel, Cainiao LP, YunExpress YT).

func digits(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return b
}

func letters(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('A' + r.IntN(26))
	}
	return b
}

// upsNumber: "1Z", 6-character shipper number, 2-digit service, 7-digit
// package number, mod 10 check over the 15 characters after "1Z" (weights
// 1,2 from the left, a letter counting as (ASCII-3) mod 10).
func upsNumber(r *rand.Rand) string {
	const alnum = "ABCDEFGHJKLMNPRSTUVWXY0123456789"
	b := []byte("1Z")
	for range 6 {
		b = append(b, alnum[r.IntN(len(alnum))])
	}
	b = append(b, "66"...) // Worldwide Express
	b = append(b, digits(r, 7)...)
	sum := 0
	for i, c := range b[2:] {
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-3) % 10
		}
		if i%2 == 1 {
			v *= 2
		}
		sum += v
	}
	return string(append(b, byte('0'+(10-sum%10)%10)))
}

// fedexNumber: FedEx Express 12 digits, check = weights 3,1,7 from the left
// over the first 11, mod 11, mod 10.
func fedexNumber(r *rand.Rand) string {
	b := append([]byte{'7'}, digits(r, 10)...)
	w := [3]int{3, 1, 7}
	sum := 0
	for i, c := range b {
		sum += int(c-'0') * w[i%3]
	}
	return string(append(b, byte('0'+sum%11%10)))
}

// dhlExpressNumber: DHL Express waybill, 10 digits, the last being the
// first nine read as a number mod 7.
func dhlExpressNumber(r *rand.Rand) string {
	b := append([]byte{byte('1' + r.IntN(9))}, digits(r, 8)...)
	m := 0
	for _, c := range b {
		m = (m*10 + int(c-'0')) % 7
	}
	return string(append(b, byte('0'+m)))
}

// s10Number: UPU S10, 2-letter service indicator, 8-digit serial, check
// digit (weights 8,6,4,2,3,5,9,7; 11 - sum mod 11; 10 → 0, 11 → 5), ISO
// country of the issuing post.
func s10Number(r *rand.Rand, service, country string) string {
	serial := digits(r, 8)
	w := [8]int{8, 6, 4, 2, 3, 5, 9, 7}
	sum := 0
	for i, c := range serial {
		sum += int(c-'0') * w[i]
	}
	check := 11 - sum%11
	switch check {
	case 10:
		check = 0
	case 11:
		check = 5
	}
	return service + string(serial) + string(rune('0'+check)) + country
}

// gs1Check is the GS1 mod 10 check digit (weight 3 on the rightmost digit).
func gs1Check(b []byte) byte {
	sum, w := 0, 3
	for i := len(b) - 1; i >= 0; i-- {
		sum += int(b[i]-'0') * w
		w = 4 - w
	}
	return byte('0' + (10-sum%10)%10)
}

// uspsNumber: IMpb N construct, 22 digits: "94", service type code "001",
// 9-digit mailer id starting with 9, 7-digit serial, GS1 check digit.
func uspsNumber(r *rand.Rand) string {
	b := []byte("940019")
	b = append(b, digits(r, 15)...)
	return string(append(b, gs1Check(b)))
}

// canadaPostNumber: 16 digits with a GS1 check digit.
func canadaPostNumber(r *rand.Rand) string {
	b := append([]byte("7"), digits(r, 14)...)
	return string(append(b, gs1Check(b)))
}

// dhlPaketNumber: DHL Paket 20 digits, "00" and an SSCC under DHL's GS1
// prefix 340434, GS1 check digit.
func dhlPaketNumber(r *rand.Rand) string {
	b := append([]byte("003404"), digits(r, 13)...)
	return string(append(b, gs1Check(b)))
}

// colissimoNumber: digit, letter, 11 digits (no published check digit).
func colissimoNumber(r *rand.Rand) string {
	return "6A" + string(digits(r, 11))
}

// postNLNumber: "3S", 4-letter customer code, 9 digits.
func postNLNumber(r *rand.Rand) string {
	return "3S" + string(letters(r, 4)) + string(digits(r, 9))
}

// ausPostNumber: eParcel article id, 3 characters and 15 digits.
func ausPostNumber(r *rand.Rand) string {
	return string(letters(r, 3)) + string(digits(r, 15))
}

// cainiaoNumber: "LP" and 14 digits.
func cainiaoNumber(r *rand.Rand) string { return "LP00" + string(digits(r, 12)) }

// yunExpressNumber: "YT" and 16 digits.
func yunExpressNumber(r *rand.Rand) string { return "YT" + string(digits(r, 16)) }

// lastMileNumber returns a new number in the format of a destination
// carrier's own labels, as given at a consolidator's hand-over.
func lastMileNumber(r *rand.Rand, slug string) string {
	switch slug {
	case "usps":
		return uspsNumber(r)
	case "canada-post":
		return canadaPostNumber(r)
	case "la-poste":
		return colissimoNumber(r)
	case "postnl":
		return postNLNumber(r)
	case "australia-post":
		return ausPostNumber(r)
	case "royal-mail":
		return s10Number(r, "TT", "GB")
	case "dhl":
		return dhlPaketNumber(r)
	}
	return strings.ToUpper(slug[:2]) + string(digits(r, 12))
}
