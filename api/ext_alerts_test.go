package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/alert"
	"github.com/waypost/waypost/api"
	"github.com/waypost/waypost/store"
)

// File signatures http.DetectContentType recognises (WHATWG MIME
// Sniffing, section 7.1): the PNG and PDF magic numbers.
var (
	pngFile = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), make([]byte, 64)...)
	pdfFile = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
)

// raise raises an alert of kind on a shipment of tenant through the store,
// as the alert rules do.
func (e *env) raise(t *testing.T, tenantID, shipmentID int64, kind string) store.Alert {
	t.Helper()
	ch, err := e.st.(store.Alerts).ApplyAlerts(context.Background(), []store.AlertRaise{{TenantID: tenantID, ShipmentID: shipmentID,
		Kind: kind, Carrier: "ups", Substatus: "exception.customs_held", Detail: "held for 4 days", At: time.Now().UTC()}}, nil)
	if err != nil || len(ch.Raised) != 1 {
		t.Fatalf("raise %s: %v %+v", kind, err, ch)
	}
	return ch.Raised[0]
}

// createFor creates a tracking with any key (tenant B's too).
func (e *env) createFor(t *testing.T, key string, body map[string]any) tracking {
	t.Helper()
	r := e.call("POST", "/api/v1/trackings", key, body)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var tr tracking
	r.decode(t, &tr)
	return tr
}

// expect checks an answer's status and, for errors, its code.
func expect(t *testing.T, what string, r resp, status int, code string) {
	t.Helper()
	if r.status != status || (code != "" && r.errCode(t) != code) {
		t.Fatalf("%s: %d %s, want %d %s", what, r.status, r.body, status, code)
	}
}

type alertAnswer struct {
	ID       int64  `json:"id"`
	Kind     string `json:"kind"`
	State    string `json:"state"`
	Severity int    `json:"severity"`
	Playbook struct {
		Title   string   `json:"title"`
		Actions []string `json:"actions"`
	} `json:"playbook"`
	BuyerMessage struct{ Lang, Subject, Body string } `json:"buyer_message"`
	History      []struct{ Action string }            `json:"history"`
}

type caseAnswer struct {
	ID          int64  `json:"id"`
	AlertID     int64  `json:"alert_id"`
	State       string `json:"state"`
	Resolution  string `json:"resolution"`
	History     []struct{ Action, Actor, Detail string }
	Attachments []struct {
		ID          int64  `json:"id"`
		Name        string `json:"name"`
		ContentType string `json:"content_type"`
		Size        int64  `json:"size"`
	}
}

func TestExtAlerts(t *testing.T) {
	each(t, api.Options{}, func(t *testing.T, e *env) {
		tr := e.create(t, map[string]any{"tracking_number": upsNumber, "reference": "order-7", "destination_country": "DE",
			"customer": map[string]any{"name": "Ada", "language": "de"}})
		al := e.raise(t, e.a.ID, tr.ID, string(alert.CustomsDelay))
		trB := e.createFor(t, e.bKey, map[string]any{"tracking_number": upsNumber})
		alB := e.raise(t, e.b.ID, trB.ID, string(alert.Lost))

		var list struct {
			Alerts []alertAnswer `json:"alerts"`
		}
		e.call("GET", "/api/v1/alerts", e.read, nil).decode(t, &list)
		if len(list.Alerts) != 1 || list.Alerts[0].ID != al.ID || list.Alerts[0].Kind != "customs_delay" || list.Alerts[0].Severity != 2 {
			t.Fatalf("tenant A's alerts: %+v", list.Alerts)
		}
		e.call("GET", "/api/v1/alerts?kind=lost", e.read, nil).decode(t, &list)
		if len(list.Alerts) != 0 {
			t.Fatalf("kind=lost shows %+v (tenant B's alert leaked?)", list.Alerts)
		}
		e.call("GET", "/api/v1/alerts?state=cleared", e.read, nil).decode(t, &list)
		if len(list.Alerts) != 0 {
			t.Fatalf("state=cleared shows an open alert: %+v", list.Alerts)
		}
		expect(t, "unknown kind", e.call("GET", "/api/v1/alerts?kind=bogus", e.read, nil), 422, api.CodeValidation)
		expect(t, "no key", e.call("GET", "/api/v1/alerts", "", nil), 401, api.CodeUnauthorized)

		var d alertAnswer
		e.call("GET", fmt.Sprintf("/api/v1/alerts/%d", al.ID), e.read, nil).decode(t, &d)
		if d.Playbook.Title != alert.PlaybookFor(alert.CustomsDelay).Title || len(d.Playbook.Actions) == 0 {
			t.Fatalf("playbook: %+v", d.Playbook)
		}
		if d.BuyerMessage.Lang != "de" || !strings.Contains(d.BuyerMessage.Body, "Ada") || !strings.Contains(d.BuyerMessage.Subject+d.BuyerMessage.Body, "order-7") {
			t.Fatalf("buyer message in the buyer's language: %+v", d.BuyerMessage)
		}
		if len(d.History) != 1 || d.History[0].Action != "alert.raised" {
			t.Fatalf("history: %+v", d.History)
		}
		e.call("GET", fmt.Sprintf("/api/v1/alerts/%d?lang=fr-CA", al.ID), e.read, nil).decode(t, &d)
		want := alert.BuyerMessageFor(alert.CustomsDelay, "fr", alert.BuyerVars{Name: "Ada", Reference: "order-7", Shop: "shop-a"})
		if d.BuyerMessage.Lang != "fr" || d.BuyerMessage.Subject != want.Subject {
			t.Fatalf("?lang=fr-CA: %+v, want subject %q", d.BuyerMessage, want.Subject)
		}
		expect(t, "tenant B's alert", e.call("GET", fmt.Sprintf("/api/v1/alerts/%d", alB.ID), e.read, nil), 404, "alert_not_found")

		// Settings: admin replaces, everyone reads, other tenants see none.
		set := map[string]any{"settings": []map[string]any{{"kind": "stalled", "carrier": "UPS", "destination_country": "de", "threshold_hours": 36},
			{"kind": "late", "disabled": true}}}
		expect(t, "write key sets", e.call("PUT", "/api/v1/alert-settings", e.write, set), 403, api.CodeForbidden)
		r := e.call("PUT", "/api/v1/alert-settings", e.admin, set)
		expect(t, "put settings", r, 200, "")
		var ss struct {
			Settings []api.AlertSettingItem `json:"settings"`
		}
		e.call("GET", "/api/v1/alert-settings", e.read, nil).decode(t, &ss)
		if len(ss.Settings) != 2 {
			t.Fatalf("settings: %+v", ss.Settings)
		}
		for _, s := range ss.Settings {
			if s.Kind == "stalled" && (s.Carrier != "ups" || s.Destination != "DE" || s.ThresholdHours != 36) {
				t.Fatalf("stalled setting not normalised: %+v", s)
			}
		}
		e.call("PUT", "/api/v1/alert-settings", e.admin, map[string]any{"settings": []map[string]any{{"kind": "late", "disabled": true}}}).decode(t, &ss)
		if len(ss.Settings) != 1 || !ss.Settings[0].Disabled {
			t.Fatalf("replace keeps only the given: %+v", ss.Settings)
		}
		expect(t, "unknown kind", e.call("PUT", "/api/v1/alert-settings", e.admin, map[string]any{"settings": []map[string]any{{"kind": "meteor"}}}), 422, api.CodeValidation)
		e.call("GET", "/api/v1/alert-settings", e.bKey, nil).decode(t, &ss)
		if len(ss.Settings) != 0 {
			t.Fatalf("tenant B sees A's settings: %+v", ss.Settings)
		}
	})
}

func TestExtCases(t *testing.T) {
	each(t, api.Options{}, func(t *testing.T, e *env) {
		tr := e.create(t, map[string]any{"tracking_number": upsNumber})
		al := e.raise(t, e.a.ID, tr.ID, string(alert.Damaged))
		path := fmt.Sprintf("/api/v1/alerts/%d/case", al.ID)

		expect(t, "read key opens", e.call("POST", path, e.read, map[string]any{}), 403, api.CodeForbidden)
		expect(t, "tenant B opens", e.call("POST", path, e.bKey, map[string]any{}), 404, "alert_not_found")
		r := e.call("POST", path, e.write, map[string]any{"owner": "sam"})
		expect(t, "open case", r, 201, "")
		var c caseAnswer
		r.decode(t, &c)
		if c.State != "open" || c.AlertID != al.ID || len(c.History) == 0 || c.History[0].Action != "case.opened" {
			t.Fatalf("opened: %+v", c)
		}
		expect(t, "second case", e.call("POST", path, e.write, map[string]any{}), 409, api.CodeCaseExists)

		cp := fmt.Sprintf("/api/v1/cases/%d", c.ID)
		var list struct {
			Cases []caseAnswer `json:"cases"`
		}
		e.call("GET", "/api/v1/cases?state=open", e.read, nil).decode(t, &list)
		if len(list.Cases) != 1 || list.Cases[0].ID != c.ID {
			t.Fatalf("cases: %+v", list.Cases)
		}
		e.call("GET", "/api/v1/cases?state=resolved", e.read, nil).decode(t, &list)
		if len(list.Cases) != 0 {
			t.Fatalf("resolved cases: %+v", list.Cases)
		}
		e.call("GET", "/api/v1/cases", e.bKey, nil).decode(t, &list)
		if len(list.Cases) != 0 {
			t.Fatalf("tenant B lists A's cases: %+v", list.Cases)
		}
		expect(t, "tenant B reads", e.call("GET", cp, e.bKey, nil), 404, "case_not_found")
		expect(t, "no key", e.call("GET", cp, "", nil), 401, api.CodeUnauthorized)

		// Moves: valid, stale, invalid, without resolution.
		expect(t, "wait on carrier", e.call("POST", cp+"/move", e.write, map[string]any{"state": "waiting_on_carrier", "note": "trace opened"}), 200, "")
		expect(t, "stale from", e.call("POST", cp+"/move", e.write, map[string]any{"state": "waiting_on_buyer", "from": "open"}), 409, api.CodeCaseChanged)
		expect(t, "no resolution", e.call("POST", cp+"/move", e.write, map[string]any{"state": "resolved"}), 422, "invalid_resolution")
		expect(t, "bad state", e.call("POST", cp+"/move", e.write, map[string]any{"state": "closed"}), 422, api.CodeValidation)
		expect(t, "tenant B moves", e.call("POST", cp+"/move", e.bKey, map[string]any{"state": "open"}), 404, "case_not_found")
		r = e.call("POST", cp+"/move", e.write, map[string]any{"state": "resolved", "resolution": "reshipped", "from": "waiting_on_carrier"})
		expect(t, "resolve", r, 200, "")
		r.decode(t, &c)
		if c.State != "resolved" || c.Resolution != "reshipped" {
			t.Fatalf("resolved: %+v", c)
		}
		expect(t, "resolved to waiting", e.call("POST", cp+"/move", e.write, map[string]any{"state": "waiting_on_buyer"}), 422, "invalid_transition")
		var ad alertAnswer
		e.call("GET", fmt.Sprintf("/api/v1/alerts/%d", al.ID), e.read, nil).decode(t, &ad)
		if ad.State != "cleared" {
			t.Fatalf("resolving did not clear the alert: %+v", ad)
		}

		// Notes.
		expect(t, "empty note", e.call("POST", cp+"/notes", e.write, map[string]any{"body": "  "}), 422, api.CodeValidation)
		expect(t, "read key notes", e.call("POST", cp+"/notes", e.read, map[string]any{"body": "x"}), 403, api.CodeForbidden)
		r = e.call("POST", cp+"/notes", e.write, map[string]any{"body": "carrier case 123"})
		expect(t, "note", r, 201, "")
		r.decode(t, &c)
		if last := c.History[len(c.History)-1]; last.Action != "case.note" || last.Detail != "carrier case 123" || !strings.HasPrefix(last.Actor, "api:") {
			t.Fatalf("note in history: %+v", c.History)
		}

		// Attachments: base64 JSON and multipart; type and size checked.
		r = e.call("POST", cp+"/attachments", e.write, map[string]any{"name": "C:\\photos\\box.png", "content_base64": base64.StdEncoding.EncodeToString(pngFile)})
		expect(t, "attach png", r, 201, "")
		var att struct {
			ID          int64  `json:"id"`
			Name        string `json:"name"`
			ContentType string `json:"content_type"`
			Size        int64  `json:"size"`
		}
		r.decode(t, &att)
		if att.ContentType != "image/png" || att.Name != "box.png" || att.Size != int64(len(pngFile)) {
			t.Fatalf("attachment: %+v", att)
		}
		body, ctype := multipartFile(t, "invoice.pdf", pdfFile)
		expect(t, "attach pdf", e.call("POST", cp+"/attachments", e.write, body, "Content-Type", ctype), 201, "")
		body, ctype = multipartFile(t, "notes.txt", []byte("just text"))
		expect(t, "text file", e.call("POST", cp+"/attachments", e.write, body, "Content-Type", ctype), 415, "attachment_type")
		big := append(append([]byte{}, pngFile...), make([]byte, alert.MaxAttachment)...)
		body, ctype = multipartFile(t, "huge.png", big)
		expect(t, "too large", e.call("POST", cp+"/attachments", e.write, body, "Content-Type", ctype), 413, "attachment_too_large")
		expect(t, "plain text body", e.call("POST", cp+"/attachments", e.write, "hello", "Content-Type", "text/plain"), 415, api.CodeUnsupportedMediaType)
		expect(t, "tenant B attaches", e.call("POST", cp+"/attachments", e.bKey, map[string]any{"name": "a.png",
			"content_base64": base64.StdEncoding.EncodeToString(pngFile)}), 404, "case_not_found")

		e.call("GET", cp, e.read, nil).decode(t, &c)
		if len(c.Attachments) != 2 {
			t.Fatalf("attachments listed: %+v", c.Attachments)
		}
		file := fmt.Sprintf("%s/attachments/%d", cp, att.ID)
		status, hdr, got := rawGet(t, e.srv.URL+file, e.read)
		if status != 200 || hdr.Get("Content-Type") != "image/png" || !bytes.Equal(got, pngFile) || !strings.Contains(hdr.Get("Content-Disposition"), "box.png") {
			t.Fatalf("download: %d %v %d bytes", status, hdr, len(got))
		}
		expect(t, "tenant B downloads", e.call("GET", file, e.bKey, nil), 404, "attachment_not_found")
		expect(t, "other case's path", e.call("GET", fmt.Sprintf("/api/v1/cases/%d/attachments/%d", c.ID+1000, att.ID), e.read, nil), 404, "attachment_not_found")
		if status, _, _ := rawGet(t, e.srv.URL+file, ""); status != 401 {
			t.Fatalf("download without key: %d", status)
		}
	})
}

func multipartFile(t *testing.T, name string, data []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	f, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w.FormDataContentType()
}

// rawGet fetches a non-JSON answer, which the document validator cannot
// read.
func rawGet(t *testing.T, url, key string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, b
}
