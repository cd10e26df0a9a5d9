package notify

import (
	"strings"
)

// The GSM 03.38 alphabet (3GPP TS 23.038, section 6.2.1): gsmBasic holds
// the characters of one septet, gsmExtension those sent as an escape plus
// one septet.
const (
	gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExtension = "^{}\\[~]|€\f"
)

var gsmSeptets = func() map[rune]int {
	m := map[rune]int{}
	for _, r := range gsmBasic {
		m[r] = 1
	}
	for _, r := range gsmExtension {
		m[r] = 2
	}
	return m
}()

// Segment sizes (3GPP TS 23.040): a single SMS holds 160 GSM-7 septets or
// 70 UCS-2 characters; concatenated parts lose 7 septets (6 octets) to
// the user data header, leaving 153 and 67.
const (
	gsmSingle, gsmPart   = 160, 153
	ucs2Single, ucs2Part = 70, 67
)

// SMSEncoding says how a text travels: "gsm7" when every character is in
// the GSM alphabet, else "ucs2".
func SMSEncoding(text string) string {
	for _, r := range text {
		if gsmSeptets[r] == 0 {
			return "ucs2"
		}
	}
	return "gsm7"
}

// SMSSegments counts the SMS parts text needs.
func SMSSegments(text string) int {
	units, single, part := 0, gsmSingle, gsmPart
	if SMSEncoding(text) == "gsm7" {
		for _, r := range text {
			units += gsmSeptets[r]
		}
	} else {
		single, part = ucs2Single, ucs2Part
		for _, r := range text {
			units++
			if r > 0xFFFF {
				units++ // a surrogate pair
			}
		}
	}
	if units <= single {
		return 1
	}
	return (units + part - 1) / part
}

// ShortenSMS joins text and link and, when that needs more than
// maxSegments parts, shortens the text (never the link) with an ellipsis.
func ShortenSMS(text, link string, maxSegments int) string {
	join := func(t string) string {
		if link == "" {
			return t
		}
		if t == "" {
			return link
		}
		return t + " " + link
	}
	full := join(text)
	if maxSegments <= 0 || SMSSegments(full) <= maxSegments {
		return full
	}
	// "…" would switch a GSM text to UCS-2 and halve its room.
	ellipsis := "…"
	if SMSEncoding(full) == "gsm7" {
		ellipsis = "..."
	}
	// Binary search on the number of runes kept.
	runes := []rune(text)
	lo, hi := 0, len(runes)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if SMSSegments(join(strings.TrimSpace(string(runes[:mid]))+ellipsis)) <= maxSegments {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 {
		return join("")
	}
	return join(strings.TrimSpace(string(runes[:lo])) + ellipsis)
}
