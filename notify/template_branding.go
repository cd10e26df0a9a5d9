package notify

import (
	"context"
	"regexp"
	"strings"

	"github.com/waypost/waypost/store"
)

// Branding is how a tenant's messages look: the shop's name, its colour
// and logo. Empty fields fall back to the tenant's name and a neutral
// blue without a logo.
type Branding struct {
	Name    string
	Color   string // "#rrggbb"
	LogoURL string // absolute https URL
}

// BrandingSource gives a tenant's branding; the tracking-page settings
// provide it (see StoreBranding).
type BrandingSource interface {
	Branding(ctx context.Context, tenantID int64) (Branding, error)
}

// StoreBranding reads branding from a store that keeps tracking-page
// branding (store.TrackingPages), falling back to the tenant's name.
type StoreBranding struct{ Store store.Store }

// Branding implements BrandingSource.
func (s StoreBranding) Branding(ctx context.Context, tenantID int64) (Branding, error) {
	if tp, ok := s.Store.(store.TrackingPages); ok {
		b, err := tp.GetBranding(ctx, tenantID)
		if err != nil {
			return Branding{}, err
		}
		name := b.DisplayName
		if name == "" {
			name = b.Name
		}
		return Branding{Name: name, Color: b.PrimaryColor, LogoURL: b.LogoURL}, nil
	}
	t, err := s.Store.GetTenant(ctx, tenantID)
	if err != nil {
		return Branding{}, err
	}
	return Branding{Name: t.Name}, nil
}

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// defaultColor is the header and button colour without branding.
const defaultColor = "#2563eb"

func (b Branding) color() string {
	if hexColor.MatchString(b.Color) {
		return strings.ToLower(b.Color)
	}
	return defaultColor
}
