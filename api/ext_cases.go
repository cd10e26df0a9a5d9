package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/waypost/waypost/alert"
	"github.com/waypost/waypost/store"
)

// Case is a problem a support agent works through to a resolution.
type Case struct {
	ID             int64      `json:"id"`
	ShipmentID     int64      `json:"shipment_id"`
	AlertID        int64      `json:"alert_id,omitempty" doc:"Absent when opened without an alert"`
	State          string     `json:"state" enum:"open,waiting_on_carrier,waiting_on_buyer,resolved"`
	Resolution     string     `json:"resolution,omitempty" doc:"delivered, reshipped, refunded, returned or claim_paid; resolved cases only"`
	Owner          string     `json:"owner,omitempty"`
	Title          string     `json:"title,omitempty"`
	NextFollowUpAt *time.Time `json:"next_follow_up_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	ResolvedAt     *time.Time `json:"resolved_at,omitempty"`
}

// CaseDetail is a case with its history and attachments.
type CaseDetail struct {
	Case
	History     []HistoryItem `json:"history" doc:"State changes, notes and attachments, oldest first"`
	Attachments []Attachment  `json:"attachments"`
}

// Attachment describes a file attached to a case; the content is at
// GET /api/v1/cases/{id}/attachments/{attachment_id}.
type Attachment struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type" doc:"As sniffed from the content: image/jpeg, image/png, image/webp or application/pdf"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

type caseOutput struct{ Body CaseDetail }

func toCase(c store.Case) Case {
	return Case{ID: c.ID, ShipmentID: c.ShipmentID, AlertID: c.AlertID, State: c.State, Resolution: c.Resolution,
		Owner: c.Owner, Title: c.Title, NextFollowUpAt: tp(c.NextFollowUpAt), CreatedAt: c.CreatedAt,
		UpdatedAt: c.UpdatedAt, ResolvedAt: tp(c.ResolvedAt)}
}

func toAttachment(x store.CaseAttachment) Attachment {
	return Attachment{ID: x.ID, Name: x.Name, ContentType: x.ContentType, Size: x.Size, SHA256: x.SHA256,
		UploadedBy: x.UploadedBy, CreatedAt: x.CreatedAt}
}

func (a *API) cases(cs store.Cases) *alert.Cases { return &alert.Cases{St: cs, Now: a.now} }

func (a *API) caseDetail(ctx context.Context, cs store.Cases, c store.Case) (CaseDetail, error) {
	tenant := TenantID(ctx)
	hist, err := cs.History(ctx, tenant, 0, c.ID)
	if err != nil {
		return CaseDetail{}, a.internal(ctx, "reading case history", err)
	}
	atts, err := cs.ListCaseAttachments(ctx, tenant, c.ID)
	if err != nil {
		return CaseDetail{}, a.internal(ctx, "listing attachments", err)
	}
	d := CaseDetail{Case: toCase(c), History: toHistory(hist), Attachments: make([]Attachment, 0, len(atts))}
	for _, x := range atts {
		d.Attachments = append(d.Attachments, toAttachment(x))
	}
	return d, nil
}

// maxAttachmentBody allows an attachment of alert.MaxAttachment bytes in
// base64 JSON (4/3 larger) or multipart, with room for the envelope.
const maxAttachmentBody = alert.MaxAttachment/3*4 + 64<<10

func (a *API) registerCases() {
	cs, ok := a.st.(store.Cases)
	if !ok {
		return
	}
	var auth Auth
	op := func(id, method, path, summary, scope string, errs ...int) huma.Operation {
		o := huma.Operation{OperationID: id, Method: method, Path: Base + path, Summary: summary, Tags: tagAlerts,
			Errors: errs, MaxBodyBytes: MaxBody}
		auth.Require(&o, scope)
		return o
	}
	get := func(ctx context.Context, id int64) (*caseOutput, error) {
		c, err := cs.GetCase(ctx, TenantID(ctx), id)
		if err != nil {
			return nil, a.storeErr(ctx, err, "case")
		}
		d, err := a.caseDetail(ctx, cs, c)
		if err != nil {
			return nil, err
		}
		return &caseOutput{Body: d}, nil
	}

	type caseListInput struct {
		State      string `query:"state" enum:"open,waiting_on_carrier,waiting_on_buyer,resolved"`
		ShipmentID int64  `query:"shipment_id" minimum:"0"`
		Limit      int    `query:"limit" minimum:"1" maximum:"1000" default:"50"`
	}
	type caseListOutput struct {
		Body struct {
			Cases []Case `json:"cases"`
		}
	}
	huma.Register(a.huma, op("list-cases", http.MethodGet, "/cases", "List cases, newest first", store.ScopeRead, 422),
		func(ctx context.Context, in *caseListInput) (*caseListOutput, error) {
			list, err := cs.ListCases(ctx, TenantID(ctx), store.CaseQuery{State: in.State, ShipmentID: in.ShipmentID, Limit: in.Limit})
			if err != nil {
				return nil, a.internal(ctx, "listing cases", err)
			}
			out := &caseListOutput{}
			out.Body.Cases = make([]Case, 0, len(list))
			for _, c := range list {
				out.Body.Cases = append(out.Body.Cases, toCase(c))
			}
			return out, nil
		})

	huma.Register(a.huma, op("get-case", http.MethodGet, "/cases/{id}", "Get a case with its history and attachments", store.ScopeRead, 404),
		func(ctx context.Context, in *idInput) (*caseOutput, error) { return get(ctx, in.ID) })

	type caseMoveInput struct {
		ID   int64 `path:"id" minimum:"1"`
		Body struct {
			State      string `json:"state" enum:"open,waiting_on_carrier,waiting_on_buyer,resolved"`
			Resolution string `json:"resolution,omitempty" enum:"delivered,reshipped,refunded,returned,claim_paid" doc:"Required to resolve, refused otherwise"`
			Note       string `json:"note,omitempty" maxLength:"10000"`
			From       string `json:"from,omitempty" enum:"open,waiting_on_carrier,waiting_on_buyer,resolved" doc:"The state the caller saw; another is 409 case_changed"`
		}
	}
	move := op("move-case", http.MethodPost, "/cases/{id}/move", "Change a case's state", store.ScopeWrite, 404, 409, 422)
	move.Description = "Moves a case to another state. Allowed: open → waiting_on_carrier, waiting_on_buyer, resolved; " +
		"waiting_* → open, the other waiting state, resolved; resolved → open. An invalid move is 422 invalid_transition, " +
		"a resolution missing or out of place 422 invalid_resolution; a case changed meanwhile (or not in from) is 409 case_changed. " +
		"Resolving clears the case's alert. Needs scope write."
	huma.Register(a.huma, move, func(ctx context.Context, in *caseMoveInput) (*caseOutput, error) {
		tenant := TenantID(ctx)
		if in.Body.From != "" {
			cur, err := cs.GetCase(ctx, tenant, in.ID)
			if err != nil {
				return nil, a.storeErr(ctx, err, "case")
			}
			if cur.State != in.Body.From {
				return nil, NewError(http.StatusConflict, CodeCaseChanged, "the case is "+cur.State+", not "+in.Body.From)
			}
		}
		c, err := a.cases(cs).Move(ctx, tenant, in.ID, alert.State(in.Body.State), alert.Resolution(in.Body.Resolution),
			actor(ctx), in.Body.Note)
		if errors.Is(err, store.ErrConflict) {
			return nil, NewError(http.StatusConflict, CodeCaseChanged, "the case changed meanwhile; read it again")
		}
		if err != nil {
			return nil, a.domainErr(ctx, err, "case")
		}
		d, err := a.caseDetail(ctx, cs, c)
		if err != nil {
			return nil, err
		}
		return &caseOutput{Body: d}, nil
	})

	type caseNoteInput struct {
		ID   int64 `path:"id" minimum:"1"`
		Body struct {
			Body string `json:"body" minLength:"1" maxLength:"10000"`
		}
	}
	note := op("add-case-note", http.MethodPost, "/cases/{id}/notes", "Add a note to a case", store.ScopeWrite, 404, 422)
	note.DefaultStatus = http.StatusCreated
	huma.Register(a.huma, note, func(ctx context.Context, in *caseNoteInput) (*caseOutput, error) {
		body := strings.TrimSpace(in.Body.Body)
		if body == "" {
			return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "the note is empty",
				Detail{Location: "body.body", Message: "write something"})
		}
		if err := cs.AddCaseNote(ctx, TenantID(ctx), in.ID, actor(ctx), body); err != nil {
			return nil, a.storeErr(ctx, err, "case")
		}
		return get(ctx, in.ID)
	})

	type caseAttachInput struct {
		ID          int64  `path:"id" minimum:"1"`
		ContentType string `header:"Content-Type"`
		RawBody     []byte
	}
	type caseAttachOutput struct{ Body Attachment }
	attach := op("add-case-attachment", http.MethodPost, "/cases/{id}/attachments", "Attach a file to a case", store.ScopeWrite, 404, 413, 415, 422)
	attach.DefaultStatus = http.StatusCreated
	attach.MaxBodyBytes = maxAttachmentBody
	attach.SkipValidateBody = true // two media types, read by readAttachment
	attach.Description = "Send the file as multipart/form-data (field file) or as JSON {name, content_base64}. " +
		"At most 10 MiB (413 attachment_too_large); JPEG, PNG, WebP or PDF by content (415 attachment_type). Needs scope write."
	attach.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
		"multipart/form-data": {Schema: &huma.Schema{Type: "object", Required: []string{"file"},
			Properties: map[string]*huma.Schema{"file": {Type: "string", Format: "binary"}}}},
		"application/json": {Schema: &huma.Schema{Type: "object", Required: []string{"name", "content_base64"},
			Properties: map[string]*huma.Schema{"name": {Type: "string", MaxLength: intp(200)},
				"content_base64": {Type: "string", ContentEncoding: "base64"}}}},
	}}
	huma.Register(a.huma, attach, func(ctx context.Context, in *caseAttachInput) (*caseAttachOutput, error) {
		name, data, e := readAttachment(in.ContentType, in.RawBody)
		if e != nil {
			return nil, e
		}
		tenant := TenantID(ctx)
		if _, err := cs.GetCase(ctx, tenant, in.ID); err != nil {
			return nil, a.storeErr(ctx, err, "case")
		}
		x, err := a.cases(cs).Attach(ctx, tenant, in.ID, name, data, actor(ctx))
		if err != nil {
			return nil, a.domainErr(ctx, err, "case")
		}
		x.Size = int64(len(data))
		return &caseAttachOutput{Body: toAttachment(x)}, nil
	})

	type caseFileInput struct {
		ID           int64 `path:"id" minimum:"1"`
		AttachmentID int64 `path:"attachment_id" minimum:"1"`
	}
	type caseFileOutput struct {
		ContentType        string `header:"Content-Type"`
		ContentDisposition string `header:"Content-Disposition"`
		Body               []byte
	}
	file := op("get-case-attachment", http.MethodGet, "/cases/{id}/attachments/{attachment_id}", "Download a case attachment", store.ScopeRead, 404)
	huma.Register(a.huma, file, func(ctx context.Context, in *caseFileInput) (*caseFileOutput, error) {
		x, err := cs.GetCaseAttachment(ctx, TenantID(ctx), in.AttachmentID)
		if err == nil && x.CaseID != in.ID {
			err = store.ErrNotFound
		}
		if err != nil {
			return nil, a.storeErr(ctx, err, "attachment")
		}
		disp := mime.FormatMediaType("attachment", map[string]string{"filename": x.Name})
		return &caseFileOutput{ContentType: x.ContentType, ContentDisposition: disp, Body: x.Data}, nil
	})
}

func intp(i int) *int { return &i }

// readAttachment reads the file of a multipart or base64 JSON upload.
func readAttachment(contentType string, body []byte) (string, []byte, *Error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", nil, NewError(http.StatusUnsupportedMediaType, CodeUnsupportedMediaType,
			"send multipart/form-data or application/json")
	}
	switch mt {
	case "application/json":
		var v struct {
			Name          string `json:"name"`
			ContentBase64 string `json:"content_base64"`
		}
		if err := json.Unmarshal(body, &v); err != nil {
			return "", nil, NewError(http.StatusBadRequest, CodeBadRequest, "the body is not JSON: "+err.Error())
		}
		data, err := base64.StdEncoding.DecodeString(v.ContentBase64)
		if err != nil {
			return "", nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "content_base64 is not base64",
				Detail{Location: "body.content_base64", Message: err.Error()})
		}
		return attachmentName(v.Name), data, nil
	case "multipart/form-data":
		r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		for {
			p, err := r.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return "", nil, NewError(http.StatusBadRequest, CodeBadRequest, "the multipart body is not readable: "+err.Error())
			}
			if p.FormName() != "file" {
				continue
			}
			data, err := io.ReadAll(p)
			if err != nil {
				return "", nil, NewError(http.StatusBadRequest, CodeBadRequest, "the multipart body is not readable: "+err.Error())
			}
			return attachmentName(p.FileName()), data, nil
		}
		return "", nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "no file in the form",
			Detail{Location: "body.file", Message: "send the file in the form field file"})
	}
	return "", nil, NewError(http.StatusUnsupportedMediaType, CodeUnsupportedMediaType,
		"send multipart/form-data or application/json, not "+mt)
}

// attachmentName keeps the base name of an uploaded file, short.
func attachmentName(n string) string {
	n = strings.TrimSpace(n)
	if i := strings.LastIndexAny(n, `/\`); i >= 0 {
		n = n[i+1:]
	}
	if len(n) > 200 {
		n = n[:200]
	}
	if n == "" {
		n = "attachment"
	}
	return n
}
