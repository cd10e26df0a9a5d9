package app

import (
	"context"
	"errors"

	"github.com/waypost/waypost/store"
)

// ErrUnavailable reports that a source is not part of this server.
var ErrUnavailable = errors.New("not available on this server")

// storeSettings reads settings from whichever of the store's optional
// interfaces it implements; the others answer ErrUnavailable.
type storeSettings struct{ st store.Store }

func (s storeSettings) APIKeys(ctx context.Context, tenantID int64) ([]store.APIKey, error) {
	k, ok := s.st.(interface {
		ListAPIKeys(ctx context.Context, tenantID int64) ([]store.APIKey, error)
	})
	if !ok {
		return nil, ErrUnavailable
	}
	return k.ListAPIKeys(ctx, tenantID)
}

func (s storeSettings) Webhooks(ctx context.Context, tenantID int64) ([]store.WebhookEndpoint, error) {
	w, ok := s.st.(interface {
		ListWebhookEndpoints(ctx context.Context, tenantID int64) ([]store.WebhookEndpoint, error)
	})
	if !ok {
		return nil, ErrUnavailable
	}
	list, err := w.ListWebhookEndpoints(ctx, tenantID)
	for i := range list {
		list[i].Secret = "" // never rendered
	}
	return list, err
}

func (s storeSettings) Branding(ctx context.Context, tenantID int64) (store.Branding, error) {
	b, ok := s.st.(interface {
		GetBranding(ctx context.Context, tenantID int64) (store.Branding, error)
	})
	if !ok {
		return store.Branding{}, ErrUnavailable
	}
	return b.GetBranding(ctx, tenantID)
}

func (s storeSettings) NotifyConfig(ctx context.Context, tenantID int64) (store.NotifyConfig, []store.NotifyTemplate, error) {
	n, ok := s.st.(interface {
		NotifyConfig(ctx context.Context, tenantID int64) (store.NotifyConfig, error)
		NotifyTemplates(ctx context.Context, tenantID int64) ([]store.NotifyTemplate, error)
	})
	if !ok {
		return store.NotifyConfig{}, nil, ErrUnavailable
	}
	c, err := n.NotifyConfig(ctx, tenantID)
	if errors.Is(err, store.ErrNotFound) {
		// Never saved: notify's defaults apply, English first.
		c, err = store.NotifyConfig{DefaultLanguage: "en"}, nil
	}
	if err != nil {
		return c, nil, err
	}
	t, err := n.NotifyTemplates(ctx, tenantID)
	return c, t, err
}
