package sqlcore

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

var _ store.TrackingPages = (*Store)(nil)

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Longest text the branding fields accept; the page is not a CMS.
const (
	maxBrandingField = 500
	maxBrandingText  = 2000
)

// normalizeBranding checks b and returns it trimmed, or an
// *shipment.InvalidError naming the field.
func normalizeBranding(b store.Branding) (store.Branding, error) {
	for _, f := range []*string{&b.DisplayName, &b.LogoURL, &b.PrimaryColor, &b.AccentColor,
		&b.ShopURL, &b.SupportURL, &b.SupportEmail} {
		*f = strings.TrimSpace(*f)
	}
	for name, v := range map[string]string{"display_name": b.DisplayName, "logo_url": b.LogoURL,
		"shop_url": b.ShopURL, "support_url": b.SupportURL, "support_email": b.SupportEmail} {
		if len(v) > maxBrandingField {
			return b, &shipment.InvalidError{Field: name, Reason: fmt.Sprintf("longer than %d bytes", maxBrandingField)}
		}
	}
	for name, c := range map[string]*string{"primary_color": &b.PrimaryColor, "accent_color": &b.AccentColor} {
		if *c != "" && !hexColor.MatchString(*c) {
			return b, &shipment.InvalidError{Field: name, Reason: fmt.Sprintf("%q is not a #rrggbb colour", *c)}
		}
		*c = strings.ToLower(*c)
		// The page sets links, headings and labels in these colours on
		// white: below 4.5:1 (WCAG 2.1, 1.4.3) buyers cannot read them.
		if *c != "" {
			if r := contrastOnWhite(*c); r < 4.5 {
				return b, &shipment.InvalidError{Field: name, Reason: fmt.Sprintf("%s is too light to read on white (contrast %.1f:1, needs 4.5:1); choose a darker shade", *c, r)}
			}
		}
	}
	for name, u := range map[string]string{"logo_url": b.LogoURL, "shop_url": b.ShopURL, "support_url": b.SupportURL} {
		if u == "" {
			continue
		}
		// Only absolute http(s) links: a javascript: or data: URL in a
		// tenant's branding would run in the buyer's browser.
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return b, &shipment.InvalidError{Field: name, Reason: fmt.Sprintf("%q is not an absolute http(s) URL", u)}
		}
	}
	if b.SupportEmail != "" {
		if a, err := mail.ParseAddress(b.SupportEmail); err != nil || a.Address != b.SupportEmail {
			return b, &shipment.InvalidError{Field: "support_email", Reason: fmt.Sprintf("%q is not an e-mail address", b.SupportEmail)}
		}
	}
	texts := make(map[string]string, len(b.Texts))
	for lang, txt := range b.Texts {
		lang, txt = strings.TrimSpace(lang), strings.TrimSpace(txt)
		if len(txt) > maxBrandingText || len(lang) > 35 {
			return b, &shipment.InvalidError{Field: "texts", Reason: fmt.Sprintf("text for %q longer than %d bytes", lang, maxBrandingText)}
		}
		if txt != "" {
			texts[lang] = txt
		}
	}
	b.Texts = texts
	return b, nil
}

// SetBranding implements store.TrackingPages.
func (s *Store) SetBranding(ctx context.Context, tenantID int64, b *store.Branding) error {
	nb, err := normalizeBranding(*b)
	if err != nil {
		return store.Invalid(err)
	}
	texts, err := json.Marshal(nb.Texts)
	if err != nil {
		return fmt.Errorf("store: branding texts: %w", err)
	}
	nb.UpdatedAt = s.clock()
	err = s.eng.Tx(ctx, func(q Querier) error {
		ok, err := exists(ctx, q, `SELECT 1 FROM tenants WHERE id = $1`, tenantID)
		if err != nil {
			return err
		}
		if !ok {
			return store.ErrNotFound
		}
		_, err = q.Exec(ctx, `INSERT INTO brandings (tenant_id, display_name, logo_url, primary_color,
			accent_color, shop_url, support_url, support_email, texts, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (tenant_id) DO UPDATE SET display_name = excluded.display_name,
			logo_url = excluded.logo_url, primary_color = excluded.primary_color,
			accent_color = excluded.accent_color, shop_url = excluded.shop_url,
			support_url = excluded.support_url, support_email = excluded.support_email,
			texts = excluded.texts, updated_at = excluded.updated_at`,
			tenantID, nb.DisplayName, nb.LogoURL, nb.PrimaryColor, nb.AccentColor, nb.ShopURL,
			nb.SupportURL, nb.SupportEmail, string(texts), s.t(nb.UpdatedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: set branding of tenant %d: %w", tenantID, err)
	}
	got, err := s.GetBranding(ctx, tenantID)
	if err != nil {
		return err
	}
	*b = got
	return nil
}

const brandingSelect = `SELECT t.id, t.slug, t.name, COALESCE(b.display_name, ''), COALESCE(b.logo_url, ''),
	COALESCE(b.primary_color, ''), COALESCE(b.accent_color, ''), COALESCE(b.shop_url, ''),
	COALESCE(b.support_url, ''), COALESCE(b.support_email, ''), COALESCE(b.texts, '{}'), b.updated_at
	FROM tenants t LEFT JOIN brandings b ON b.tenant_id = t.id `

func scanBranding(r Rows) (store.Branding, error) {
	var b store.Branding
	var texts string
	err := r.Scan(&b.TenantID, &b.Slug, &b.Name, &b.DisplayName, &b.LogoURL, &b.PrimaryColor,
		&b.AccentColor, &b.ShopURL, &b.SupportURL, &b.SupportEmail, &texts, tc(&b.UpdatedAt))
	if err != nil {
		return b, err
	}
	if texts != "" && texts != "{}" {
		if err := json.Unmarshal([]byte(texts), &b.Texts); err != nil {
			return b, fmt.Errorf("branding texts: %w", err)
		}
	}
	return b, nil
}

// GetBranding implements store.TrackingPages.
func (s *Store) GetBranding(ctx context.Context, tenantID int64) (store.Branding, error) {
	rows, err := s.eng.Reader().Query(ctx, brandingSelect+`WHERE t.id = $1`, tenantID)
	b, err := one(rows, err, scanBranding)
	if err != nil {
		return b, fmt.Errorf("store: branding of tenant %d: %w", tenantID, err)
	}
	return b, nil
}

// BrandingBySlug implements store.TrackingPages.
func (s *Store) BrandingBySlug(ctx context.Context, slug string) (store.Branding, error) {
	rows, err := s.eng.Reader().Query(ctx, brandingSelect+`WHERE t.slug = $1`, slug)
	b, err := one(rows, err, scanBranding)
	if err != nil {
		return b, fmt.Errorf("store: branding of tenant %q: %w", slug, err)
	}
	return b, nil
}

// utcDay is midnight UTC of the day containing t.
func utcDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// AddPageCounts implements store.TrackingPages.
func (s *Store) AddPageCounts(ctx context.Context, tenantID int64, day time.Time, c store.PageCounts) error {
	if c == (store.PageCounts{}) {
		return nil
	}
	err := s.eng.Tx(ctx, func(q Querier) error {
		_, err := q.Exec(ctx, `INSERT INTO page_counts (tenant_id, day, views, lookups, failed_lookups, reports)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (tenant_id, day) DO UPDATE SET views = page_counts.views + excluded.views,
			lookups = page_counts.lookups + excluded.lookups,
			failed_lookups = page_counts.failed_lookups + excluded.failed_lookups,
			reports = page_counts.reports + excluded.reports`,
			tenantID, s.t(utcDay(day)), c.Views, c.Lookups, c.FailedLookups, c.Reports)
		return err
	})
	if err != nil {
		if isForeignKey(err) {
			return fmt.Errorf("store: page counts of tenant %d: %w", tenantID, store.ErrNotFound)
		}
		return fmt.Errorf("store: page counts of tenant %d: %w", tenantID, err)
	}
	return nil
}

// isForeignKey reports a foreign-key violation in either engine's wording.
func isForeignKey(err error) bool {
	m := strings.ToLower(err.Error())
	return strings.Contains(m, "foreign key") || strings.Contains(m, "23503")
}

// PageCounts implements store.TrackingPages.
func (s *Store) PageCounts(ctx context.Context, tenantID int64, from, to time.Time) ([]store.DayPageCounts, error) {
	rows, err := s.eng.Reader().Query(ctx, `SELECT day, views, lookups, failed_lookups, reports
		FROM page_counts WHERE tenant_id = $1 AND day >= $2 AND day < $3 ORDER BY day`,
		tenantID, s.t(utcDay(from)), s.t(to))
	if err != nil {
		return nil, fmt.Errorf("store: page counts of tenant %d: %w", tenantID, err)
	}
	out, err := collect(rows, func(r Rows) (store.DayPageCounts, error) {
		var d store.DayPageCounts
		err := r.Scan(tc(&d.Day), &d.Views, &d.Lookups, &d.FailedLookups, &d.Reports)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: page counts of tenant %d: %w", tenantID, err)
	}
	return out, nil
}

// contrastOnWhite is the WCAG 2.1 contrast ratio of a #rrggbb colour
// against white.
func contrastOnWhite(hex string) float64 {
	v, _ := strconv.ParseUint(hex[1:], 16, 32)
	ch := func(shift uint) float64 {
		c := float64((v>>shift)&0xff) / 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	l := 0.2126*ch(16) + 0.7152*ch(8) + 0.0722*ch(0)
	return 1.05 / (l + 0.05)
}
