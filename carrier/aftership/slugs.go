package aftership

// slugOverrides lists the Waypost carrier slugs whose AfterShip courier
// slug differs. Waypost slugs are AfterShip-style by design, so every
// other slug is sent as is. SOURCE: AfterShip courier list (GET /couriers,
// "slug" field), as reproduced in public AfterShip SDK fixtures and
// integrations.
var slugOverrides = map[string]string{
	"deutsche-post": "deutsch-post",
	"la-poste":      "la-poste-colissimo",
	"parcelforce":   "parcel-force",
	"inpost":        "inpost-paczkomaty",
	"yamato":        "taqbin-jp",
	"chronopost":    "chronopost-france",
	"postnord":      "sweden-posten",
}

// waypostSlugs maps AfterShip slugs back; built once, read only.
var waypostSlugs = func() map[string]string {
	m := make(map[string]string, len(slugOverrides))
	for w, a := range slugOverrides {
		m[a] = w
	}
	return m
}()

// CourierSlug returns the AfterShip courier slug of a Waypost carrier slug.
func CourierSlug(slug string) string {
	if s, ok := slugOverrides[slug]; ok {
		return s
	}
	return slug
}

// WaypostSlug returns the Waypost slug of an AfterShip courier slug.
func WaypostSlug(courier string) string {
	if s, ok := waypostSlugs[courier]; ok {
		return s
	}
	return courier
}
