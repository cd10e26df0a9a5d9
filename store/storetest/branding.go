package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/waypost/waypost/store"
)

// RunTrackingPages runs the contract of store.TrackingPages: branding,
// page counters and buyer reports, each checked for tenant isolation.
func RunTrackingPages(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, *fixture, store.TrackingPages)
	}{
		{"Branding", testBranding},
		{"BrandingInvalid", testBrandingInvalid},
		{"PageCounts", testPageCounts},
		{"BuyerReports", testBuyerReports},
		{"BuyerReportIdempotent", testBuyerReportIdempotent},
		{"BuyerReportInvalid", testBuyerReportInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			tp, ok := s.(store.TrackingPages)
			if !ok {
				t.Fatalf("%T does not implement store.TrackingPages", s)
			}
			tc.fn(t, newFixture(t, s), tp)
		})
	}
}

func testBranding(t *testing.T, f *fixture, tp store.TrackingPages) {
	tn, other := f.tenant(), f.tenant()
	// Never set: defaults with the tenant's identity.
	b, err := tp.GetBranding(f.ctx, tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b.TenantID != tn.ID || b.Slug != tn.Slug || b.Name != tn.Name || !b.UpdatedAt.IsZero() || b.PrimaryColor != "" {
		t.Fatalf("default branding = %+v", b)
	}
	in := store.Branding{DisplayName: " Nordic Knits ", PrimaryColor: "#1A5C3B", AccentColor: "#8a4b00",
		LogoURL: "https://shop.example/logo.png", ShopURL: "https://shop.example/", SupportEmail: "help@shop.example",
		Texts: map[string]string{"": "Thanks for your order!", "de": "Danke für Ihre Bestellung!", "fr": "  "}}
	if err := tp.SetBranding(f.ctx, tn.ID, &in); err != nil {
		t.Fatal(err)
	}
	if in.DisplayName != "Nordic Knits" || in.PrimaryColor != "#1a5c3b" || in.UpdatedAt.IsZero() || in.Slug != tn.Slug {
		t.Errorf("stored branding = %+v", in)
	}
	if _, ok := in.Texts["fr"]; ok || in.Texts["de"] != "Danke für Ihre Bestellung!" || len(in.Texts) != 2 {
		t.Errorf("texts = %q, want blank ones dropped", in.Texts)
	}
	got, err := tp.BrandingBySlug(f.ctx, tn.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if got.TenantID != tn.ID || got.ShopURL != "https://shop.example/" || got.Texts[""] != "Thanks for your order!" {
		t.Errorf("BrandingBySlug = %+v", got)
	}
	// Replacing keeps one row and the new values.
	in2 := store.Branding{AccentColor: "#000000"}
	if err := tp.SetBranding(f.ctx, tn.ID, &in2); err != nil {
		t.Fatal(err)
	}
	if in2.DisplayName != "" || in2.AccentColor != "#000000" || len(in2.Texts) != 0 {
		t.Errorf("replaced branding = %+v", in2)
	}
	// The other tenant is untouched; unknown ones are not found.
	ob, err := tp.GetBranding(f.ctx, other.ID)
	if err != nil || ob.AccentColor != "" {
		t.Errorf("other tenant's branding = %+v, %v", ob, err)
	}
	if _, err := tp.BrandingBySlug(f.ctx, "no-such-shop"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown slug: %v, want ErrNotFound", err)
	}
	if err := tp.SetBranding(f.ctx, 1<<40, &store.Branding{}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetBranding on missing tenant: %v, want ErrNotFound", err)
	}
}

func testBrandingInvalid(t *testing.T, f *fixture, tp store.TrackingPages) {
	tn := f.tenant()
	for _, b := range []store.Branding{
		{PrimaryColor: "red"},
		{AccentColor: "#12345"},
		{AccentColor: "#ffcc00"},  // yellow on white: 1.6:1, unreadable
		{PrimaryColor: "#b0b0b0"}, // light grey: 2.1:1
		{LogoURL: "javascript:alert(1)"},
		{ShopURL: "data:text/html,hi"},
		{SupportURL: "/relative"},
		{SupportEmail: "not an address"},
		{DisplayName: string(bytes.Repeat([]byte("x"), 501))},
	} {
		err := tp.SetBranding(f.ctx, tn.ID, &b)
		if !errors.Is(err, store.ErrInvalid) || store.Code(err) != "invalid" {
			t.Errorf("SetBranding(%+v) = %v, want invalid", b, err)
		}
	}
	if b, _ := tp.GetBranding(f.ctx, tn.ID); !b.UpdatedAt.IsZero() {
		t.Errorf("rejected branding was stored: %+v", b)
	}
}

func testPageCounts(t *testing.T, f *fixture, tp store.TrackingPages) {
	tn, other := f.tenant(), f.tenant()
	d1 := time.Date(2026, 3, 9, 23, 59, 0, 0, time.UTC)
	d2 := time.Date(2026, 3, 10, 0, 0, 1, 0, time.UTC)
	// In a zone east of UTC the same instant is the next local day; the
	// counters go by the UTC day.
	d2local := d2.In(time.FixedZone("UTC+9", 9*3600))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := tp.AddPageCounts(f.ctx, tn.ID, d1, store.PageCounts{Views: 2, Lookups: 1}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := tp.AddPageCounts(f.ctx, tn.ID, d2local, store.PageCounts{Views: 1, FailedLookups: 3, Reports: 1}); err != nil {
		t.Fatal(err)
	}
	if err := tp.AddPageCounts(f.ctx, other.ID, d1, store.PageCounts{Views: 100}); err != nil {
		t.Fatal(err)
	}
	got, err := tp.PageCounts(f.ctx, tn.ID, d1.Add(-48*time.Hour), d2.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []store.DayPageCounts{
		{Day: time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC), PageCounts: store.PageCounts{Views: 16, Lookups: 8}},
		{Day: time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC), PageCounts: store.PageCounts{Views: 1, FailedLookups: 3, Reports: 1}},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("PageCounts = %v\nwant %v", got, want)
	}
	// The range end is exclusive.
	got, err = tp.PageCounts(f.ctx, tn.ID, d1, time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC))
	if err != nil || len(got) != 1 {
		t.Errorf("PageCounts to midnight = %v, %v; want only the first day", got, err)
	}
}

// jpeg is the start of a JPEG file; the store checks declared types, not
// content, so these bytes stand in for a photo.
var jpeg = []byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0}

func testBuyerReports(t *testing.T, f *fixture, tp store.TrackingPages) {
	tn, sh, _ := f.setup()
	other := f.tenant()
	r := store.BuyerReport{ShipmentID: sh.ID, Kind: store.ReportDamaged, Message: " box crushed ",
		Photos: []store.ReportPhoto{{Name: "box.jpg", ContentType: "image/jpeg", Data: jpeg}}}
	dup, err := tp.CreateBuyerReport(f.ctx, tn.ID, &r)
	if err != nil || dup {
		t.Fatalf("CreateBuyerReport = %v, %v", dup, err)
	}
	if r.ID == 0 || r.TenantID != tn.ID || r.Message != "box crushed" || r.CreatedAt.IsZero() ||
		len(r.Photos) != 1 || r.Photos[0].ID == 0 || r.Photos[0].Size != int64(len(jpeg)) {
		t.Fatalf("stored report = %+v", r)
	}
	if err := tp.SetBuyerReportCase(f.ctx, tn.ID, r.ID, 77); err != nil {
		t.Fatal(err)
	}
	list, err := tp.ListBuyerReports(f.ctx, tn.ID, sh.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("ListBuyerReports = %v, %v", list, err)
	}
	if list[0].CaseID != 77 || list[0].Kind != store.ReportDamaged || len(list[0].Photos) != 1 || list[0].Photos[0].Data != nil {
		t.Errorf("listed report = %+v", list[0])
	}
	p, err := tp.GetReportPhoto(f.ctx, tn.ID, r.Photos[0].ID)
	if err != nil || !bytes.Equal(p.Data, jpeg) || p.ContentType != "image/jpeg" {
		t.Errorf("GetReportPhoto = %+v, %v", p, err)
	}
	// Another tenant sees none of it and cannot report on the shipment.
	if _, err := tp.GetReportPhoto(f.ctx, other.ID, r.Photos[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant's photo: %v, want ErrNotFound", err)
	}
	if err := tp.SetBuyerReportCase(f.ctx, other.ID, r.ID, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant sets case: %v, want ErrNotFound", err)
	}
	if l, err := tp.ListBuyerReports(f.ctx, other.ID, sh.ID); err != nil || len(l) != 0 {
		t.Errorf("other tenant lists %v, %v", l, err)
	}
	x := store.BuyerReport{ShipmentID: sh.ID, Kind: store.ReportReceived}
	if _, err := tp.CreateBuyerReport(f.ctx, other.ID, &x); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("report on another tenant's shipment: %v, want ErrNotFound", err)
	}
	// Deleting the shipment takes its reports with it.
	if err := f.s.DeleteShipment(f.ctx, tn.ID, sh.ID); err != nil {
		t.Fatalf("DeleteShipment with a report: %v", err)
	}
	if _, err := tp.GetReportPhoto(f.ctx, tn.ID, r.Photos[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("photo after shipment deletion: %v, want ErrNotFound", err)
	}
}

func testBuyerReportIdempotent(t *testing.T, f *fixture, tp store.TrackingPages) {
	tn, sh, _ := f.setup()
	var wg sync.WaitGroup
	var mu sync.Mutex
	ids := map[int64]int{}
	dups := 0
	for range 6 {
		wg.Go(func() {
			r := store.BuyerReport{ShipmentID: sh.ID, Kind: store.ReportNotReceived, Key: "form-abc",
				Photos: []store.ReportPhoto{{ContentType: "image/png", Data: []byte("\x89PNG\r\n")}}}
			dup, err := tp.CreateBuyerReport(f.ctx, tn.ID, &r)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			ids[r.ID]++
			if dup {
				dups++
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(ids) != 1 || dups != 5 {
		t.Errorf("6 submissions with one key gave ids %v and %d duplicates; want one id, 5 duplicates", ids, dups)
	}
	list, err := tp.ListBuyerReports(f.ctx, tn.ID, sh.ID)
	if err != nil || len(list) != 1 || len(list[0].Photos) != 1 {
		t.Errorf("stored reports = %+v, %v", list, err)
	}
}

func testBuyerReportInvalid(t *testing.T, f *fixture, tp store.TrackingPages) {
	tn, sh, _ := f.setup()
	big := make([]byte, store.MaxReportPhotoBytes+1)
	photo := store.ReportPhoto{ContentType: "image/jpeg", Data: jpeg}
	for _, r := range []store.BuyerReport{
		{ShipmentID: sh.ID, Kind: "lost"},
		{ShipmentID: sh.ID, Kind: store.ReportDamaged, Photos: []store.ReportPhoto{{ContentType: "image/svg+xml", Data: []byte("<svg/>")}}},
		{ShipmentID: sh.ID, Kind: store.ReportDamaged, Photos: []store.ReportPhoto{{ContentType: "image/jpeg", Data: big}}},
		{ShipmentID: sh.ID, Kind: store.ReportDamaged, Photos: []store.ReportPhoto{photo, photo, photo, photo, photo}},
		{ShipmentID: sh.ID, Kind: store.ReportDamaged, Message: string(bytes.Repeat([]byte("a"), store.MaxReportMessage+1))},
	} {
		if _, err := tp.CreateBuyerReport(f.ctx, tn.ID, &r); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("CreateBuyerReport(kind %q, %d photos) = %v, want invalid", r.Kind, len(r.Photos), err)
		}
	}
	if l, _ := tp.ListBuyerReports(f.ctx, tn.ID, sh.ID); len(l) != 0 {
		t.Errorf("rejected reports were stored: %+v", l)
	}
}
