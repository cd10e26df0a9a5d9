package carrier

import (
	"regexp"
	"strings"
	"testing"
)

func TestDirectoryWellFormed(t *testing.T) {
	all := All()
	if len(all) < 200 {
		t.Fatalf("directory has %d carriers", len(all))
	}
	slug := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	cc := regexp.MustCompile(`^([A-Z]{2})?$`)
	for i, c := range all {
		if i > 0 && all[i-1].Slug >= c.Slug {
			t.Errorf("not sorted or duplicate: %s after %s", c.Slug, all[i-1].Slug)
		}
		if !slug.MatchString(c.Slug) {
			t.Errorf("slug %q is not lowercase and hyphenated", c.Slug)
		}
		if c.Name == "" || !cc.MatchString(c.Country) {
			t.Errorf("%s: name %q country %q", c.Slug, c.Name, c.Country)
		}
		if !strings.HasPrefix(c.TrackURL, "https://") || strings.Count(c.TrackURL, "%s") != 1 {
			t.Errorf("%s: tracking URL %q needs https and exactly one %%s", c.Slug, c.TrackURL)
		}
		if c.Website != "" && !strings.HasPrefix(c.Website, "https://") {
			t.Errorf("%s: website %q", c.Slug, c.Website)
		}
		got, ok := Lookup(c.Slug)
		if !ok || got != c {
			t.Errorf("Lookup(%s) = %+v, %v", c.Slug, got, ok)
		}
	}
	// All returns a copy: changing it does not change the directory.
	all[0].Name = "changed"
	if c, _ := Lookup(all[0].Slug); c.Name == "changed" {
		t.Error("All exposes the directory")
	}
}

func TestDesignSlugs(t *testing.T) {
	// The slugs DESIGN.md fixes, and the carriers the formats name.
	for _, s := range []string{"ups", "fedex", "usps", "dhl", "dhl-ecommerce", "royal-mail", "canada-post",
		"china-post", "china-ems", "cainiao", "yunexpress", "4px", "yanwen", "sf-express", "australia-post",
		"postnl", "la-poste", "deutsche-post", "japan-post", "ontrac", "lasership", "amazon", "purolator",
		"canpar", "dpd", "gls", "evri", "hermes-de", "inpost", "postnord", "parcelforce", "colissimo",
		"chronopost", "aramex", "jtexpress", "zto-express", "yto", "sto", "yunda", "jd-logistics",
		"india-post", "korea-post"} {
		if _, ok := Lookup(s); !ok {
			t.Errorf("slug %s missing", s)
		}
	}
	if _, ok := Lookup("no-such-carrier"); ok {
		t.Error("unknown slug found")
	}
}

func TestPostOf(t *testing.T) {
	for cc, want := range map[string]string{"CN": "china-post", "GB": "royal-mail", "US": "usps", "DE": "deutsche-post",
		"SE": "postnord", "DK": "postnord", "TW": "taiwan-post", "FR": "la-poste", "IN": "india-post"} {
		p, ok := PostOf(cc)
		if !ok || p.Slug != want {
			t.Errorf("PostOf(%s) = %s, want %s", cc, p.Slug, want)
		}
	}
	if _, ok := PostOf("XX"); ok {
		t.Error("PostOf(XX) found a post")
	}
	if n := len(PostCountries()); n < 195 {
		t.Errorf("only %d countries have a post", n)
	}
}

func TestTrackingURL(t *testing.T) {
	ups, _ := Lookup("ups")
	if got := ups.TrackingURL("1Z5R89390357567127"); got != "https://www.ups.com/track?tracknum=1Z5R89390357567127" {
		t.Errorf("UPS URL %q", got)
	}
	if got := ups.TrackingURL("a b&c"); got != "https://www.ups.com/track?tracknum=a%20b%26c" {
		t.Errorf("escaping: %q", got)
	}
	if got := (Info{}).TrackingURL("X1"); got != "https://t.17track.net/en#nums=X1" {
		t.Errorf("fallback: %q", got)
	}
}
