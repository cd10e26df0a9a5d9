package app

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/waypost/waypost/notify"
	"github.com/waypost/waypost/store"
)

// notifyChannels are the buyer channels whose moments the tenant switches.
var notifyChannels = []notify.Channel{notify.Email, notify.SMS, notify.WebPush, notify.Ntfy}

// notifyPage is the notifications settings page: the moment × channel
// switches, quiet hours, the tenant's templates and the editor.
type notifyPage struct {
	Config     store.NotifyConfig
	Channels   []notify.Channel
	Grid       []notifyRow
	QuietStart string
	QuietEnd   string
	Languages  []string
	Moments    []string // template moments, the layout last
	Parts      []string
	Editor     *templateEditor
}

type notifyRow struct {
	Moment notify.Moment
	Cells  []notifyCell
}

type notifyCell struct {
	Channel notify.Channel
	On      bool
}

// templateEditor is one template being edited with its preview.
type templateEditor struct {
	Moment, Part, Lang string
	Text               string
	Custom             bool // the tenant has its own text for this key
	Unsaved            bool // Text is the form's, not the stored one
	Preview            notify.Rendered
	PreviewErr         string
}

func newNotifyPage(cfg store.NotifyConfig, _ []store.NotifyTemplate) notifyPage {
	p := notifyPage{Config: cfg, Channels: notifyChannels, QuietStart: hhmm(cfg.QuietStart), QuietEnd: hhmm(cfg.QuietEnd),
		Parts: []string{notify.PartSubject, notify.PartBody, notify.PartSMS, notify.PartHTML, notify.PartText}}
	for _, m := range notify.BuyerMoments {
		row := notifyRow{Moment: m}
		for _, ch := range notifyChannels {
			row.Cells = append(row.Cells, notifyCell{Channel: ch, On: notify.Enabled(cfg, ch, m)})
		}
		p.Grid = append(p.Grid, row)
		p.Moments = append(p.Moments, string(m))
	}
	p.Moments = append(p.Moments, notify.LayoutMoment)
	for _, l := range notify.Languages {
		p.Languages = append(p.Languages, l.String())
	}
	return p
}

func hhmm(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// parseHHMM reads "21:30" as minutes after midnight.
func parseHHMM(s string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hi, err1 := strconv.Atoi(h)
	mi, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hi < 0 || hi > 23 || mi < 0 || mi > 59 {
		return 0, false
	}
	return hi*60 + mi, true
}

func (a *App) notifySettings() (store.NotifySettings, bool) {
	ns, ok := a.st.(store.NotifySettings)
	return ns, ok
}

// saveNotify stores the switches, default language and SMS settings.
func (a *App) saveNotify(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	ns, ok := a.notifySettings()
	if !ok {
		a.fail(w, r, http.StatusNotFound, "not_available", "Notifications are not available on this server.")
		return
	}
	_ = r.ParseForm()
	cfg := store.NotifyConfig{DefaultLanguage: r.PostFormValue("default_language")}
	known := false
	for _, l := range notify.Languages {
		known = known || l.String() == cfg.DefaultLanguage
	}
	if !known {
		a.badInput(w, r, "notifications", "", "Choose one of the languages listed as the default.", nil)
		return
	}
	var okS, okE bool
	cfg.QuietStart, okS = parseHHMM(r.PostFormValue("quiet_start"))
	cfg.QuietEnd, okE = parseHHMM(r.PostFormValue("quiet_end"))
	if !okS || !okE {
		a.badInput(w, r, "notifications", "", "Quiet hours are times like 21:00 and 08:00.", nil)
		return
	}
	seg, err := strconv.Atoi(r.PostFormValue("sms_max_segments"))
	if err != nil || seg < 0 || seg > 10 {
		a.badInput(w, r, "notifications", "", "SMS length is 0 (the default) to 10 segments.", nil)
		return
	}
	cfg.SMSMaxSegments = seg
	on := map[string]bool{}
	for _, k := range r.PostForm["on"] {
		on[k] = true
	}
	for _, m := range notify.BuyerMoments {
		for _, ch := range notifyChannels {
			cfg.Rules = append(cfg.Rules, store.NotifyRule{Moment: string(m), Channel: string(ch), Enabled: on[string(m)+"/"+string(ch)]})
		}
	}
	if err := ns.SaveNotifyConfig(r.Context(), v.User.TenantID, cfg); err != nil {
		a.storeFailed(w, r, "notifications", "notification settings", err)
		return
	}
	a.log.InfoContext(r.Context(), "notification settings saved", "tenant_id", v.User.TenantID, "user_id", v.User.ID)
	http.Redirect(w, r, "/app/settings/notifications?saved=1", http.StatusSeeOther)
}

// templateKey reads and checks the moment, part and language of a form
// or query.
func templateKey(get func(string) string) (notify.TemplateKey, error) {
	k := notify.TemplateKey{Moment: get("moment"), Part: get("part"), Language: get("lang")}
	if k.Moment == "" || k.Part == "" || k.Language == "" {
		return k, errors.New("choose a moment, a part and a language")
	}
	return k, nil
}

// templatePage opens the editor for one template with its preview.
func (a *App) templatePage(w http.ResponseWriter, r *http.Request) {
	k, err := templateKey(r.URL.Query().Get)
	if err != nil {
		a.badInput(w, r, "notifications", "", "To edit a template, "+err.Error()+".", nil)
		return
	}
	a.renderEditor(w, r, k, nil, savedMsg(r))
}

// renderEditor shows the notifications page with the editor for k: text
// is the unsaved text, nil for the stored one.
func (a *App) renderEditor(w http.ResponseWriter, r *http.Request, k notify.TemplateKey, text *string, msg settingsMsg) {
	v := viewerOf(r)
	ctx := r.Context()
	ns, ok := a.notifySettings()
	if !ok {
		a.fail(w, r, http.StatusNotFound, "not_available", "Notifications are not available on this server.")
		return
	}
	saved, err := ns.NotifyTemplates(ctx, v.User.TenantID)
	if err != nil {
		a.storeFailed(w, r, "notifications", "template", err)
		return
	}
	overrides := map[notify.TemplateKey]string{}
	ed := &templateEditor{Moment: k.Moment, Part: k.Part, Lang: k.Language}
	for _, t := range saved {
		tk := notify.TemplateKey{Moment: t.Moment, Part: t.Part, Language: t.Language}
		overrides[tk] = t.Text
		if tk == k {
			ed.Text, ed.Custom = t.Text, true
		}
	}
	if text != nil {
		ed.Text, ed.Unsaved = *text, true
		overrides[k] = *text
	}
	m := notify.Moment(k.Moment)
	if k.Moment == notify.LayoutMoment {
		m = notify.Shipped
	}
	brand, err := notify.StoreBranding{Store: a.st}.Branding(ctx, v.User.TenantID)
	if err != nil {
		a.log.WarnContext(ctx, "branding for preview failed", "error", err)
	}
	ed.Preview, err = notify.Preview(overrides, m, k.Language, brand)
	if err != nil {
		ed.PreviewErr = err.Error()
	}
	fill := msg.fill
	msg.fill = func(d *settingsData) {
		d.Notify.Editor = ed
		if fill != nil {
			fill(d)
		}
	}
	a.renderSettings(w, r, "notifications", msg)
}

// saveTemplate previews, saves (after notify.ValidateTemplate) or resets
// one template.
func (a *App) saveTemplate(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	ns, ok := a.notifySettings()
	if !ok {
		a.fail(w, r, http.StatusNotFound, "not_available", "Notifications are not available on this server.")
		return
	}
	k, err := templateKey(r.PostFormValue)
	if err != nil {
		a.badInput(w, r, "notifications", "", "To edit a template, "+err.Error()+".", nil)
		return
	}
	text := strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n")
	back := "/app/settings/notifications/template?moment=" + k.Moment + "&part=" + k.Part + "&lang=" + k.Language
	switch r.PostFormValue("action") {
	case "preview":
		a.renderEditor(w, r, k, &text, settingsMsg{})
	case "reset":
		err := ns.DeleteNotifyTemplate(r.Context(), v.User.TenantID, store.NotifyTemplateKey{Moment: k.Moment, Part: k.Part, Language: k.Language})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			a.storeFailed(w, r, "notifications", "template", err)
			return
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
	case "save":
		if err := notify.ValidateTemplate(k, text); err != nil {
			a.renderEditor(w, r, k, &text, settingsMsg{Code: http.StatusBadRequest, ErrCode: notify.ErrTemplateInvalid,
				Error: "The template was not saved: " + err.Error()})
			return
		}
		t := store.NotifyTemplate{NotifyTemplateKey: store.NotifyTemplateKey{Moment: k.Moment, Part: k.Part, Language: k.Language}, Text: text}
		if err := ns.SaveNotifyTemplate(r.Context(), v.User.TenantID, t); err != nil {
			a.storeFailed(w, r, "notifications", "template", err)
			return
		}
		a.log.InfoContext(r.Context(), "template saved", "template", k.String(), "user_id", v.User.ID)
		http.Redirect(w, r, back+"&saved=1", http.StatusSeeOther)
	default:
		a.badInput(w, r, "notifications", "", "Preview, save or reset the template.", nil)
	}
}
