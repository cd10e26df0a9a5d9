package track

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/web/ui"
)

// view is everything a template sees.
type view struct {
	shop         shop
	Lang         string
	L            map[string]string // UI strings in Lang, English filling gaps
	Langs        []ui.Language
	Embed        bool
	CSS          []string
	JS           []string
	Query        string // the current query without lang, for the switcher
	Path         string
	Slug         string
	Shop         shopView
	Number       string
	Order        string
	Error        string
	Notice       string
	Ship         *shipView
	CanSubscribe bool
}

type shopView struct {
	Name, LogoURL, ShopURL, SupportURL, SupportEmail string
	Intro                                            string
	Style                                            template.CSS
}

func (h *Handler) baseView(r *http.Request, sh shop, lang string, embed bool) *view {
	v := &view{shop: sh, Lang: lang, L: catalogFor(lang), Langs: ui.Languages, Embed: embed,
		CSS:          []string{h.shared.URL("base.css"), h.assets.URL("track.css")},
		JS:           []string{h.shared.URL("ui.js")},
		CanSubscribe: h.cfg.Subscriber != nil}
	q := r.URL.Query()
	q.Del("lang")
	q.Del("done")
	v.Query = q.Encode()
	v.setShop()
	return v
}

// setShop fills the branding fields from v.shop.
func (v *view) setShop() {
	b := v.shop.Branding
	v.Path, v.Slug = v.shop.path, b.Slug
	if v.Path == "" {
		v.Path = "/track"
	}
	name := b.DisplayName
	if name == "" {
		name = b.Name
	}
	if name == "" {
		name = "Waypost"
	}
	intro := b.Texts[v.Lang]
	if intro == "" {
		intro = b.Texts[""]
	}
	var style []string
	// Colours were checked as #rrggbb when stored, so they are safe in a
	// style attribute.
	if b.PrimaryColor != "" {
		style = append(style, "--brand:"+b.PrimaryColor)
	}
	if b.AccentColor != "" {
		style = append(style, "--accent:"+b.AccentColor)
	}
	v.Shop = shopView{Name: name, LogoURL: b.LogoURL, ShopURL: b.ShopURL, SupportURL: b.SupportURL,
		SupportEmail: b.SupportEmail, Intro: intro, Style: template.CSS(strings.Join(style, ";"))}
}

// pageURL is the shop's page (embedded or not) with the query.
func (v *view) pageURL(q url.Values) string {
	p := v.Path
	if v.Embed {
		p = "/track/embed"
		if v.Slug != "" {
			q.Set("shop", v.Slug)
		}
	}
	if v.Lang != "" {
		q.Set("lang", v.Lang)
	}
	return p + "?" + q.Encode()
}

// shipView is one shipment as the buyer sees it.
type shipView struct {
	Verified    bool
	Reference   string // verified only
	Name        string // verified only
	Address     []string
	Destination string // city-level: city (verified only) and country
	StatusText  string
	StatusClass string
	StatusSince string
	Steps       []stepView
	Current     int // index of the last step reached
	Percent     int
	Customs     *customsView
	Estimate    string
	Legs        []legView
	Events      []eventView
	Token       string
	CanReport   bool
	Delivered   bool
	Numbers     string
}

type stepView struct {
	Label   string
	Date    string
	Done    bool
	Current bool
}

type customsView struct {
	Class, Title, Text string
}

type legView struct {
	Leg     int
	Carrier string
	Number  string
	URL     string
}

type eventView struct {
	Time     string
	ISO      string
	Text     string
	Original string
	Place    string
	Carrier  string
	Handoff  string
	Class    string
}

// dateLayouts are each language's usual day-and-time style.
var dateLayouts = map[string]string{
	"en": "2 Jan 2006, 15:04", "de": "02.01.2006, 15:04", "fr": "02/01/2006 15:04",
	"es": "02/01/2006 15:04", "pt": "02/01/2006 15:04", "zh": "2006年1月2日 15:04", "ja": "2006年1月2日 15:04",
}

var dayLayouts = map[string]string{
	"en": "Mon 2 Jan", "de": "02.01.2006", "fr": "02/01/2006", "es": "02/01/2006", "pt": "02/01/2006",
	"zh": "1月2日", "ja": "1月2日",
}

func fmtTime(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayouts[lang])
}

// eventTime is the event's time at its own place when the carrier said
// where it was, else UTC.
func eventTime(e shipment.Event) time.Time {
	if e.OffsetSource != "" && e.OffsetSource != shipment.OffsetNone {
		return e.Time.In(time.FixedZone("", e.UTCOffset))
	}
	return e.Time.UTC()
}

// countryName is the country's name in the page language.
func countryName(lang, cc string) string {
	if cc == "" {
		return ""
	}
	reg, err := language.ParseRegion(cc)
	if err != nil {
		return cc
	}
	if n := display.Regions(language.Make(lang)).Name(reg); n != "" {
		return n
	}
	return cc
}

func (h *Handler) shipmentView(ctx context.Context, v *view, s shipment.Shipment, verified bool) (*shipView, error) {
	parcels, err := h.cfg.Store.ListParcels(ctx, s.TenantID, s.ID)
	if err != nil {
		return nil, fmt.Errorf("parcels of shipment %d: %w", s.ID, err)
	}
	events, err := h.cfg.Store.ListEvents(ctx, s.TenantID, s.ID)
	if err != nil {
		return nil, fmt.Errorf("events of shipment %d: %w", s.ID, err)
	}
	lang, L := v.Lang, v.L
	sv := &shipView{Verified: verified}
	purpose := "f"
	if verified {
		purpose = "fv"
		sv.Reference = s.Reference
		sv.Name = s.Customer.Name
		a := s.Customer.Address
		for _, l := range []string{a.Line1, a.Line2, strings.TrimSpace(a.PostalCode + " " + a.City), a.Region} {
			if strings.TrimSpace(l) != "" {
				sv.Address = append(sv.Address, l)
			}
		}
	}
	// The expiry is rounded to the hour so a number-only page stays the same
	// (and keeps its ETag) between renders.
	sv.Token = h.sign(grant{purpose, s.TenantID, s.ID, h.now().Truncate(time.Hour).Add(formTTL)})
	sv.CanReport = verified
	dest := s.DestinationCountry
	if dest == "" {
		dest = s.Customer.Address.Country
	}
	sv.Destination = countryName(lang, dest)
	if verified && s.Customer.Address.City != "" {
		sv.Destination = s.Customer.Address.City + ", " + sv.Destination
	}

	sub := s.Substatus
	if sub == "" {
		sub = status.Generic(s.Status)
	}
	sv.StatusText = status.Describe(sub, lang)
	if sv.StatusText == "" {
		sv.StatusText = status.Describe(status.Generic(s.Status), lang)
	}
	switch s.Status {
	case status.Delivered:
		sv.StatusClass, sv.Delivered = "ok", true
	case status.Exception, status.Expired:
		sv.StatusClass = "bad"
	case status.AttemptFail, status.AvailableForPickup:
		sv.StatusClass = "warn"
	}
	sv.StatusSince = fmtTime(lang, s.StatusAt)
	sv.Steps, sv.Current = steps(lang, L, s)
	if n := len(sv.Steps); n > 1 {
		sv.Percent = sv.Current * 100 / (n - 1)
	}
	sv.Customs = customs(lang, L, s, parcels)
	if h.cfg.Estimator != nil && !sv.Delivered {
		if from, to, ok := h.cfg.Estimator.Estimate(ctx, s.TenantID, s.ID); ok {
			if from.Format("2006-01-02") == to.Format("2006-01-02") {
				sv.Estimate = from.Format(dayLayouts[lang])
			} else {
				sv.Estimate = fmt.Sprintf(L["estimate_range"], from.Format(dayLayouts[lang]), to.Format(dayLayouts[lang]))
			}
		}
	}
	byID := map[int64]shipment.Parcel{}
	var nums []string
	for _, p := range parcels {
		byID[p.ID] = p
		info, _ := carrier.Lookup(p.Carrier)
		name := info.Name
		if name == "" {
			name = p.Carrier
		}
		sv.Legs = append(sv.Legs, legView{Leg: p.Leg, Carrier: name, Number: p.TrackingNumber, URL: info.TrackingURL(p.TrackingNumber)})
		if !slices.Contains(nums, p.TrackingNumber) {
			nums = append(nums, p.TrackingNumber)
		}
	}
	sv.Numbers = strings.Join(nums, ", ")
	sv.Events = eventViews(lang, L, s, events, byID, verified)
	return sv, nil
}

func carrierName(slug string) string {
	if info, ok := carrier.Lookup(slug); ok && info.Name != "" {
		return info.Name
	}
	return slug
}

// steps builds the progress bar. A step counts as reached when its own
// milestone is set or any later one is (carriers skip scans).
func steps(lang string, L map[string]string, s shipment.Shipment) ([]stepView, int) {
	m := s.Milestones
	type st struct {
		key string
		at  time.Time
	}
	customsAt := m.CustomsIn
	if customsAt.IsZero() {
		customsAt = m.CustomsOut
	}
	transit := m.DepartedOrigin
	if transit.IsZero() {
		transit = m.ArrivedDestination
	}
	ordered := s.OrderedAt
	list := []st{{"step_ordered", ordered}, {"step_shipped", m.PickedUp}, {"step_transit", transit}}
	cross := s.OriginCountry != "" && s.DestinationCountry != "" && s.OriginCountry != s.DestinationCountry
	if cross || !customsAt.IsZero() {
		list = append(list, st{"step_customs", customsAt})
	}
	list = append(list, st{"step_out", m.OutForDelivery}, st{"step_delivered", m.Delivered})
	out := make([]stepView, len(list))
	cur := 0 // the order itself always exists
	for i := len(list) - 1; i >= 0; i-- {
		if !list[i].at.IsZero() {
			cur = i
			break
		}
	}
	for i, x := range list {
		out[i] = stepView{Label: L[x.key], Date: fmtTime(lang, x.at), Done: i <= cur, Current: i == cur}
	}
	return out, cur
}

// customs says where the shipment stands with customs, and what the buyer
// should do when it is held or duties are due.
func customs(lang string, L map[string]string, s shipment.Shipment, parcels []shipment.Parcel) *customsView {
	last := ""
	for _, p := range parcels {
		last = carrierName(p.Carrier)
	}
	switch s.Substatus {
	case status.ExceptionDutiesDue:
		return &customsView{"bad", L["customs_duties"], fmt.Sprintf(L["customs_duties_do"], last)}
	case status.ExceptionCustomsHeld, status.ExceptionDocumentsRequired:
		return &customsView{"bad", L["customs_held"], fmt.Sprintf(L["customs_held_do"], last)}
	}
	m := s.Milestones
	switch {
	case !m.CustomsOut.IsZero():
		return &customsView{"ok", L["customs_cleared"], fmt.Sprintf(L["customs_cleared_at"], fmtTime(lang, m.CustomsOut))}
	case !m.CustomsIn.IsZero():
		return &customsView{"warn", L["customs_processing"], L["customs_processing_do"]}
	}
	return nil
}

// signedBy catches the recipient's name in carriers' delivery texts.
var signedBy = regexp.MustCompile(`(?i)\b(signed for by|signed by|received by|signatory|unterschrieben von|empfangen von|sign[ée] par|firmado por|assinado por)\b[:\s]*[^,;.\n]*`)

// redact removes personal data from a carrier's text for an unverified
// view: the buyer's name (and each part of it), street lines and postal
// code, and whatever follows "signed by".
func redact(text string, s shipment.Shipment) string {
	if text == "" {
		return ""
	}
	text = signedBy.ReplaceAllString(text, "$1 •••")
	a := s.Customer.Address
	words := []string{s.Customer.Name, a.Line1, a.Line2, a.PostalCode}
	for _, part := range strings.Fields(s.Customer.Name) {
		if len([]rune(part)) >= 3 {
			words = append(words, part)
		}
	}
	for _, w := range words {
		w = strings.TrimSpace(w)
		if len(w) < 3 {
			continue
		}
		re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(w))
		text = re.ReplaceAllString(text, "•••")
	}
	return text
}

// eventViews lists the merged timeline newest first, in the buyer's
// language, marking where one carrier handed the parcel to the next.
func eventViews(lang string, L map[string]string, s shipment.Shipment, events []shipment.Event,
	parcels map[int64]shipment.Parcel, verified bool) []eventView {
	out := make([]eventView, 0, len(events))
	prev := shipment.Parcel{}
	for _, e := range events {
		p := parcels[e.ParcelID]
		ev := eventView{ISO: e.Time.UTC().Format(time.RFC3339), Time: fmtTime(lang, eventTime(e)), Carrier: carrierName(p.Carrier)}
		if e.Substatus != "" {
			ev.Text = status.Describe(e.Substatus, lang)
		}
		orig := e.Text
		if !verified {
			orig = redact(orig, s)
		}
		if ev.Text == "" {
			ev.Text = orig
		} else if !strings.EqualFold(ev.Text, orig) {
			ev.Original = orig
		}
		var place []string
		loc := e.Location
		if verified && loc.Text != "" && loc.City == "" {
			place = append(place, loc.Text)
		}
		if loc.City != "" {
			place = append(place, loc.City)
		}
		if loc.Country != "" {
			place = append(place, countryName(lang, loc.Country))
		}
		ev.Place = strings.Join(place, ", ")
		if prev.ID != 0 && p.ID != prev.ID && p.Leg > prev.Leg {
			ev.Handoff = fmt.Sprintf(L["handoff"], carrierName(prev.Carrier), ev.Carrier)
		}
		switch e.Status {
		case status.Delivered:
			ev.Class = "ok"
		case status.Exception, status.AttemptFail:
			ev.Class = "bad"
		}
		if p.ID != 0 && (prev.ID == 0 || p.Leg >= prev.Leg) {
			prev = p
		}
		out = append(out, ev)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// reportKinds are the report forms offered, in order.
var reportKinds = []string{store.ReportReceived, store.ReportNotReceived, store.ReportDamaged}
