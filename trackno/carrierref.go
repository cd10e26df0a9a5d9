package trackno

import (
	"strings"

	"github.com/waypost/waypost/carrier"
)

// carrierRef is a carrier as the matcher uses it: the directory entry with
// its tracking-page template split once around the number, so building a
// URL is two appends and a copy of the number.
type carrierRef struct {
	info                *carrier.Info
	slug, name, country string
	urlPre, urlSuf      string
	urlHasNumber        bool   // the template has a %s
	id                  uint16 // index in refList
	countryIdx          uint16 // countryIndex of country, noCountry if none
}

// refs holds one carrierRef per directory slug the formats name, and
// refList the same by id (id 0 is no carrier); both are filled at start
// up and read-only afterwards.
var (
	refs    = map[string]*carrierRef{}
	refList = []*carrierRef{nil}
)

// refOf returns the carrierRef of slug, or nil when the directory lacks it.
func refOf(slug string) *carrierRef {
	if r, ok := refs[slug]; ok {
		return r
	}
	info := carrier.LookupPtr(slug)
	if info == nil {
		return nil
	}
	if len(refList) >= maxCarriers {
		panic("trackno: more carriers than maxCarriers")
	}
	r := &carrierRef{info: info, slug: info.Slug, name: info.Name, country: info.Country,
		id: uint16(len(refList)), countryIdx: countryOf(info.Country)}
	refList = append(refList, r)
	t := info.TrackURL
	if t == "" {
		t = carrier.UniversalTrackURL
	}
	if k := strings.Index(t, "%s"); k >= 0 {
		r.urlPre, r.urlSuf, r.urlHasNumber = t[:k], t[k+2:], true
	} else {
		r.urlPre = t
	}
	refs[slug] = r
	return r
}

// appendURL appends the tracking page for number as
// carrier.Info.AppendTrackingURL does. It does not query-escape: every
// candidate's number is normalised, [0-9A-Z] only, which escaping leaves
// as is (FuzzDetect checks both).
func (r *carrierRef) appendURL(dst []byte, number string) []byte {
	dst = append(dst, r.urlPre...)
	if !r.urlHasNumber {
		return dst
	}
	dst = append(dst, number...)
	return append(dst, r.urlSuf...)
}
