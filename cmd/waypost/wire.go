package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/waypost/waypost/alert"
	"github.com/waypost/waypost/notify"
	"github.com/waypost/waypost/store"
)

// Adapters between parts: each part states what it needs as a small
// interface of its own, and these fit one part's offer to another's need.

// caseReporter opens a case for a buyer's "not received" or "damaged"
// report from the tracking page, with the buyer's message as its first
// note and the photos as attachments. A confirmation of receipt opens
// nothing.
type caseReporter struct {
	cases *alert.Cases
	log   *slog.Logger
}

func (r caseReporter) OpenCase(ctx context.Context, tenantID int64, rep store.BuyerReport) (int64, error) {
	title := map[string]string{
		store.ReportNotReceived: "Buyer reports the parcel was not received",
		store.ReportDamaged:     "Buyer reports the parcel arrived damaged",
	}[rep.Kind]
	if title == "" {
		return 0, nil
	}
	c, err := r.cases.OpenCase(ctx, tenantID, rep.ShipmentID, 0, title, "", "buyer")
	if err != nil {
		return 0, fmt.Errorf("open case for buyer report: %w", err)
	}
	if rep.Message != "" {
		if err := r.cases.St.AddCaseNote(ctx, tenantID, c.ID, "buyer", rep.Message); err != nil {
			return c.ID, fmt.Errorf("case %d: buyer's note: %w", c.ID, err)
		}
	}
	for _, p := range rep.Photos {
		if _, err := r.cases.Attach(ctx, tenantID, c.ID, p.Name, p.Data, "buyer"); err != nil {
			// The photo stays with the report; an agent sees it there.
			r.log.Warn("buyer photo not attached to the case", "case_id", c.ID, "photo", p.Name, "error", err)
		}
	}
	return c.ID, nil
}

// emailSubscriber signs a buyer up for email updates on one shipment.
type emailSubscriber struct{ subs *notify.Subscriptions }

func (s emailSubscriber) Subscribe(ctx context.Context, tenantID, shipmentID int64, email, lang string) error {
	_, err := s.subs.Subscribe(ctx, tenantID, shipmentID, notify.SubscribeRequest{Channel: notify.Email, Target: email, Language: lang})
	return err
}
