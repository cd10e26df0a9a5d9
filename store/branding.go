package store

import (
	"context"
	"time"
)

// TrackingPages keeps what the public tracking page needs besides
// shipments: each tenant's branding, daily page counters (for "page views
// versus where-is-my-order contacts" in analytics) and the reports buyers
// file from the page. Rows of another tenant are ErrNotFound.
type TrackingPages interface {
	// SetBranding validates and stores the tenant's branding, replacing
	// any earlier one; b.TenantID, Slug and Name are ignored on input and
	// filled in on return with UpdatedAt. Bad colours or links are
	// ErrInvalid.
	SetBranding(ctx context.Context, tenantID int64, b *Branding) error
	// GetBranding returns the tenant's branding; a tenant that never set
	// one gets the zero branding with TenantID, Slug and Name filled in.
	// A missing tenant is ErrNotFound.
	GetBranding(ctx context.Context, tenantID int64) (Branding, error)
	// BrandingBySlug is GetBranding for the tenant with this slug (the
	// /track/{slug} pages).
	BrandingBySlug(ctx context.Context, slug string) (Branding, error)

	// AddPageCounts adds c to the tenant's counters of the UTC day that
	// contains day.
	AddPageCounts(ctx context.Context, tenantID int64, day time.Time, c PageCounts) error
	// PageCounts returns the tenant's counters per UTC day for the days
	// in [from, to), oldest first; days without activity are left out.
	PageCounts(ctx context.Context, tenantID int64, from, to time.Time) ([]DayPageCounts, error)

	// CreateBuyerReport validates and stores r, filling in ID, TenantID
	// and CreatedAt. A report whose non-empty Key the tenant already has
	// is not stored twice: r receives the stored one and Duplicate is
	// true. A shipment not of the tenant is ErrNotFound; a bad kind,
	// photo type or size is ErrInvalid.
	CreateBuyerReport(ctx context.Context, tenantID int64, r *BuyerReport) (duplicate bool, err error)
	// SetBuyerReportCase records the case a report opened.
	SetBuyerReportCase(ctx context.Context, tenantID, reportID, caseID int64) error
	// ListBuyerReports returns a shipment's reports, oldest first, with
	// photo metadata but without photo bytes.
	ListBuyerReports(ctx context.Context, tenantID, shipmentID int64) ([]BuyerReport, error)
	// GetReportPhoto returns one photo with its bytes.
	GetReportPhoto(ctx context.Context, tenantID, photoID int64) (ReportPhoto, error)
}

// Branding is how a tenant's tracking page looks. Empty fields fall back
// to the defaults of the page.
type Branding struct {
	TenantID int64
	Slug     string // the tenant's slug, read only here
	Name     string // the tenant's name, read only here

	// DisplayName replaces the tenant name in the page header.
	DisplayName string
	LogoURL     string // absolute http(s) URL
	// PrimaryColor and AccentColor are "#rrggbb".
	PrimaryColor string
	AccentColor  string
	ShopURL      string // link back to the shop
	SupportURL   string // help or contact page
	SupportEmail string
	// Texts are the tenant's own words per language (BCP 47 tag → text),
	// shown above the tracking details; "" is the fallback language.
	Texts map[string]string

	UpdatedAt time.Time // zero when never set
}

// PageCounts are the tracking-page counters of one tenant and day.
type PageCounts struct {
	Views         int64 // pages shown with a shipment on them
	Lookups       int64 // lookups answered with a shipment
	FailedLookups int64 // lookups that matched nothing or failed verification
	Reports       int64 // buyer reports filed
}

// DayPageCounts is one day's counters; Day is midnight UTC.
type DayPageCounts struct {
	Day time.Time
	PageCounts
}

// Buyer report kinds.
const (
	ReportReceived    = "received"     // the buyer confirms receipt
	ReportNotReceived = "not_received" // marked delivered, or late, but not there
	ReportDamaged     = "damaged"
)

// Limits on report photos, enforced by CreateBuyerReport.
const (
	MaxReportPhotos     = 4
	MaxReportPhotoBytes = 5 << 20
	MaxReportMessage    = 4000
)

// BuyerReport is something the buyer told the seller from the tracking page.
type BuyerReport struct {
	ID         int64
	TenantID   int64
	ShipmentID int64
	Kind       string // one of the Report* kinds
	Message    string
	// Key makes the submission idempotent: a form posted twice (double
	// click, retry after a timeout) carries the same key.
	Key string
	// CaseID is the case the report opened; 0 when none (yet).
	CaseID    int64
	Photos    []ReportPhoto
	CreatedAt time.Time
}

// ReportPhoto is one photo of a report; Data is empty in listings.
type ReportPhoto struct {
	ID          int64
	Name        string
	ContentType string // image/jpeg, image/png, image/webp or image/heic
	Size        int64
	Data        []byte
}
