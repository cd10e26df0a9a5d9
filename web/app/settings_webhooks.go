package app

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/waypost/waypost/notify"
	"github.com/waypost/waypost/store"
)

// webhookMoments are the events an endpoint may subscribe to, in the
// order a parcel meets them.
var webhookMoments = append(append([]notify.Moment{notify.TrackingCreated}, notify.BuyerMoments...),
	notify.AlertRaised, notify.AlertCleared, notify.TrackingCompleted)

// hookDetail is one endpoint's page: its settings and delivery log.
type hookDetail struct {
	Endpoint   store.WebhookEndpoint
	Deliveries []hookDelivery
	Moments    []notify.Moment
}

// hookDelivery is one message to the endpoint with its attempts.
type hookDelivery struct {
	store.OutboxMessage
	Attempts []store.DeliveryAttempt
}

// webhookErr answers a failed webhook operation: URL and format problems
// are 400 with notify's code (e.g. url_private), the rest like any store
// error.
func (a *App) webhookErr(w http.ResponseWriter, r *http.Request, err error) {
	if code := notify.ErrorCode(err); code != store.Code(err) {
		// A URL or endpoint setting notify refused.
		a.badInput(w, r, "webhooks", code, err.Error(), nil)
		return
	}
	a.storeFailed(w, r, "webhooks", "webhook endpoint", err)
}

func (a *App) createWebhook(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	if a.cfg.Webhooks == nil {
		a.fail(w, r, http.StatusNotFound, "not_available", "Webhooks are not available on this server.")
		return
	}
	_ = r.ParseForm()
	in := notify.EndpointInput{URL: strings.TrimSpace(r.PostFormValue("url")),
		Description: strings.TrimSpace(r.PostFormValue("description")), Format: r.PostFormValue("format")}
	for _, m := range r.PostForm["events"] {
		in.Events = append(in.Events, notify.Moment(m))
	}
	e, err := a.cfg.Webhooks.Create(r.Context(), v.User.TenantID, in)
	if err != nil {
		a.webhookErr(w, r, err)
		return
	}
	a.log.InfoContext(r.Context(), "webhook endpoint created", "endpoint_id", e.ID, "user_id", v.User.ID)
	a.renderSettings(w, r, "webhooks", settingsMsg{Code: http.StatusCreated,
		Notice: "Endpoint " + strconv.FormatInt(e.ID, 10) + " created. Copy its signing secret now: it is not shown again.", Secret: e.Secret})
}

// webhookPage shows one endpoint with its delivery log.
func (a *App) webhookPage(w http.ResponseWriter, r *http.Request) {
	a.renderWebhook(w, r, settingsMsg{})
}

func (a *App) renderWebhook(w http.ResponseWriter, r *http.Request, msg settingsMsg) {
	v := viewerOf(r)
	ctx := r.Context()
	id, ok := pathID(r, "id")
	if a.cfg.Webhooks == nil || !ok {
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such webhook endpoint.")
		return
	}
	e, err := a.cfg.Webhooks.Get(ctx, v.User.TenantID, id)
	if err != nil {
		a.storeFailed(w, r, "webhooks", "webhook endpoint", err)
		return
	}
	e.Secret = "" // shown once at creation only
	d := &hookDetail{Endpoint: e, Moments: webhookMoments}
	msgs, err := a.cfg.Webhooks.Deliveries(ctx, v.User.TenantID, id, 50)
	if err != nil {
		a.storeFailed(w, r, "webhooks", "webhook endpoint", err)
		return
	}
	box, _ := a.st.(store.Outbox)
	for i, m := range msgs {
		hd := hookDelivery{OutboxMessage: m}
		if box != nil && i < 20 {
			hd.Attempts, _ = box.ListDeliveryAttempts(ctx, v.User.TenantID, m.ID)
		}
		d.Deliveries = append(d.Deliveries, hd)
	}
	fill := msg.fill
	msg.fill = func(sd *settingsData) {
		sd.Hook = d
		if fill != nil {
			fill(sd)
		}
	}
	a.renderSettings(w, r, "webhooks", msg)
}

// webhookAction pauses, resumes, disables, tests or deletes an endpoint.
func (a *App) webhookAction(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	ctx := r.Context()
	id, ok := pathID(r, "id")
	if a.cfg.Webhooks == nil || !ok {
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such webhook endpoint.")
		return
	}
	tid := v.User.TenantID
	var err error
	back := "/app/settings/webhooks/" + strconv.FormatInt(id, 10)
	switch act := r.PathValue("action"); act {
	case "pause":
		err = a.cfg.Webhooks.SetState(ctx, tid, id, store.EndpointPaused, "paused by "+v.User.Email)
	case "resume":
		err = a.cfg.Webhooks.SetState(ctx, tid, id, store.EndpointEnabled, "")
	case "disable":
		err = a.cfg.Webhooks.SetState(ctx, tid, id, store.EndpointDisabled, "")
	case "test":
		_, err = a.cfg.Webhooks.SendTest(ctx, tid, id)
	case "delete":
		err, back = a.cfg.Webhooks.Delete(ctx, tid, id), "/app/settings/webhooks"
	default:
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such action.")
		return
	}
	if err != nil {
		a.webhookErr(w, r, err)
		return
	}
	a.log.InfoContext(ctx, "webhook endpoint changed", "endpoint_id", id, "action", r.PathValue("action"), "user_id", v.User.ID)
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// replayWebhook sends one of the endpoint's messages again, with the same
// event id, so the receiver can tell it is a repeat.
func (a *App) replayWebhook(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	ctx := r.Context()
	id, ok1 := pathID(r, "id")
	mid, ok2 := pathID(r, "msg")
	box, ok3 := a.st.(store.Outbox)
	if a.cfg.Webhooks == nil || !ok1 || !ok2 || !ok3 {
		a.fail(w, r, http.StatusNotFound, "not_found", "There is no such delivery.")
		return
	}
	// The message must be this endpoint's: the IDs in the path are not
	// trusted to match.
	m, err := box.GetMessage(ctx, v.User.TenantID, mid)
	if err == nil && (m.Channel != string(notify.Webhook) || m.Target != strconv.FormatInt(id, 10)) {
		err = store.ErrNotFound
	}
	if err == nil {
		_, err = a.cfg.Webhooks.Replay(ctx, v.User.TenantID, mid)
	}
	if err != nil {
		a.storeFailed(w, r, "webhooks", "delivery", err)
		return
	}
	a.log.InfoContext(ctx, "webhook replayed", "endpoint_id", id, "message_id", mid, "user_id", v.User.ID)
	http.Redirect(w, r, "/app/settings/webhooks/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
