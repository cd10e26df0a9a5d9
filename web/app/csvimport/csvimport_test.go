package csvimport_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/sqlite"
	"github.com/waypost/waypost/web/app/csvimport"
)

func open(t *testing.T) (store.Store, int64) {
	t.Helper()
	st := testdb.OpenSQLite(t, sqlite.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	tn := shipment.Tenant{Slug: "shop", Name: "Shop"}
	if err := st.CreateTenant(context.Background(), &tn); err != nil {
		t.Fatal(err)
	}
	return st, tn.ID
}

// The tracking numbers are valid by their published check-digit rules:
// 1Z5R89390357567127 (UPS, the README's example) and RR123456785CN (the
// UPU S10 example from UPU standard S10).
const file = `Order,Tracking Number,Carrier,Customer Name,Email,Phone,Language,Destination Country,Postal Code
A-1,1Z5R89390357567127,,Ada Lovelace,ada@example.com,+44 20 7946 0000,en,GB,SW1A 1AA
A-2,RR123456785CN,china-post,Bo Chen,bo@example.com,,zh,DE,10115
A-2,RR123456785DE,deutsche-post,Bo Chen,bo@example.com,,zh,DE,10115
A-3,,ups,No Number,nn@example.com,,en,FR,
A-4,RR123456784CN,,Bad Check,bc@example.com,,en,FR,
A-5,1Z5R89390357567127X,unknown-carrier,Who,who@example.com,,en,FR,
A-6,LX789603975CN,china-post,Mail,not-an-email,,en,FR,
A-7,LX789603975CN,china-post,Country,c@example.com,,en,Narnia,

A-8,'=HYPERLINK(1),,Formula,f@example.com,,en,FR,
`

func TestImportValidatesAndIsIdempotent(t *testing.T) {
	st, tid := open(t)
	ctx := context.Background()
	var progress []int
	res, err := csvimport.Import(ctx, st, tid, strings.NewReader(file), csvimport.Options{Progress: func(rows int, _ int64) { progress = append(progress, rows) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 9 || res.Created != 2 || res.Added != 1 || res.Unchanged != 0 {
		t.Errorf("first import %+v, want 9 rows, 2 created, 1 added", res)
	}
	want := map[int]string{5: "missing_tracking_number", 6: "carrier_not_detected", 7: "unknown_carrier",
		8: "invalid_email", 9: "invalid_destination_country", 11: "invalid_tracking_number"}
	got := map[int]string{}
	for _, e := range res.Errors {
		got[e.Line] = e.Code
		if e.Reason == "" {
			t.Errorf("line %d: no reason", e.Line)
		}
	}
	for line, code := range want {
		if got[line] != code {
			t.Errorf("line %d: code %q, want %q", line, got[line], code)
		}
	}
	if len(got) != len(want) {
		t.Errorf("rejected lines %v, want %v", got, want)
	}
	if len(progress) != 9 || progress[8] != 9 {
		t.Errorf("progress calls %v", progress)
	}

	sh, err := st.FindShipmentByReference(ctx, tid, "A-1")
	if err != nil {
		t.Fatal(err)
	}
	if sh.Customer.Email != "ada@example.com" || sh.DestinationCountry != "GB" || sh.Customer.Address.PostalCode != "SW1A 1AA" || sh.Customer.Phone != "+44 20 7946 0000" {
		t.Errorf("stored shipment %+v", sh)
	}
	ps, _ := st.ListParcels(ctx, tid, sh.ID)
	if len(ps) != 1 || ps[0].Carrier != "ups" || ps[0].TrackingNumber != "1Z5R89390357567127" {
		t.Errorf("detected parcel %+v, want ups 1Z5R89390357567127", ps)
	}
	a2, _ := st.FindShipmentByReference(ctx, tid, "A-2")
	if ps, _ := st.ListParcels(ctx, tid, a2.ID); len(ps) != 2 {
		t.Errorf("A-2 has %d parcels, want 2 (two rows with one reference)", len(ps))
	}

	again, err := csvimport.Import(ctx, st, tid, strings.NewReader(file), csvimport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Created != 0 || again.Added != 0 || again.Unchanged != 3 || len(again.Errors) != len(res.Errors) {
		t.Errorf("re-import %+v, want 3 unchanged and the same rejects", again)
	}
	page, _ := st.ListShipments(ctx, tid, store.ListQuery{})
	if len(page.Shipments) != 2 {
		t.Errorf("%d shipments after two imports, want 2", len(page.Shipments))
	}
}

func TestImportFileErrors(t *testing.T) {
	st, tid := open(t)
	for _, c := range []struct{ name, in, code string }{
		{"empty", "", csvimport.CodeEmpty},
		{"no tracking column", "order,email\nA-1,a@example.com\n", csvimport.CodeMissingColumn},
	} {
		_, err := csvimport.Import(context.Background(), st, tid, strings.NewReader(c.in), csvimport.Options{})
		var fe *csvimport.FileError
		if !errors.As(err, &fe) || fe.Code != c.code {
			t.Errorf("%s: error %v, want code %s", c.name, err, c.code)
		}
	}
}

func TestImportDryRunStoresNothing(t *testing.T) {
	st, tid := open(t)
	res, err := csvimport.Import(context.Background(), st, tid, strings.NewReader(file), csvimport.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 3 || len(res.Errors) != 6 {
		t.Errorf("dry run %+v, want 3 would-be shipments and 6 rejects", res)
	}
	page, _ := st.ListShipments(context.Background(), tid, store.ListQuery{})
	if len(page.Shipments) != 0 {
		t.Errorf("dry run stored %d shipments", len(page.Shipments))
	}
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"=SUM(A1)": "'=SUM(A1)", "@cmd": "'@cmd", "+44 20 7946 0000": "+44 20 7946 0000",
		"+1(555)0100": "+1(555)0100", "-2+3": "'-2+3", "+cmd|x": "'+cmd|x", "ORDER-1": "ORDER-1", "": "",
	} {
		if got := csvimport.SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
		if back := csvimport.Unescape(csvimport.SafeCell(in)); back != in {
			t.Errorf("Unescape(SafeCell(%q)) = %q", in, back)
		}
	}
}
