package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/waypost/waypost/store"
)

// Key describes an API key; the secret is shown only when it is made.
type Key struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name,omitempty"`
	Prefix     string     `json:"prefix" doc:"The start of the key, to recognise it"`
	Scope      string     `json:"scope" enum:"read,write,admin"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty" doc:"Updated at most once a minute"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	Secret     string     `json:"secret,omitempty" doc:"The key itself: only in the answer that creates it"`
}

func toKey(k store.APIKey) Key {
	return Key{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Scope: k.Scope, CreatedAt: k.CreatedAt,
		LastUsedAt: tp(k.LastUsedAt), RevokedAt: tp(k.RevokedAt)}
}

func (a *API) registerKeys() {
	tags := []string{"API keys"}
	list := huma.Operation{OperationID: "list-keys", Method: http.MethodGet, Path: Base + "/keys", Summary: "List the tenant's API keys", Tags: tags}
	Auth{}.Require(&list, store.ScopeAdmin)
	type keysOutput struct {
		Body struct {
			Keys []Key `json:"keys"`
		}
	}
	huma.Register(a.huma, list, func(ctx context.Context, _ *struct{}) (*keysOutput, error) {
		ks, err := a.keys.ListAPIKeys(ctx, TenantID(ctx))
		if err != nil {
			return nil, a.internal(ctx, "listing keys", err)
		}
		out := &keysOutput{}
		out.Body.Keys = make([]Key, 0, len(ks))
		for _, k := range ks {
			out.Body.Keys = append(out.Body.Keys, toKey(k))
		}
		return out, nil
	})

	create := huma.Operation{OperationID: "create-key", Method: http.MethodPost, Path: Base + "/keys", Summary: "Create an API key",
		Tags: tags, DefaultStatus: http.StatusCreated, Errors: []int{422}, MaxBodyBytes: MaxBody}
	Auth{}.Require(&create, store.ScopeAdmin)
	type createInput struct {
		Body struct {
			Name  string `json:"name,omitempty" maxLength:"200"`
			Scope string `json:"scope" enum:"read,write,admin"`
		}
	}
	type keyOutput struct{ Body Key }
	huma.Register(a.huma, create, func(ctx context.Context, in *createInput) (*keyOutput, error) {
		secret, hash, prefix := GenerateKey()
		k := store.APIKey{TenantID: TenantID(ctx), Name: in.Body.Name, Prefix: prefix, Hash: hash, Scope: in.Body.Scope}
		if err := a.keys.CreateAPIKey(ctx, &k); err != nil {
			return nil, a.storeErr(ctx, err, "key")
		}
		out := &keyOutput{Body: toKey(k)}
		out.Body.Secret = secret
		return out, nil
	})

	revoke := huma.Operation{OperationID: "revoke-key", Method: http.MethodDelete, Path: Base + "/keys/{id}", Summary: "Revoke an API key",
		Tags: tags, DefaultStatus: http.StatusNoContent, Errors: []int{404}}
	Auth{}.Require(&revoke, store.ScopeAdmin)
	huma.Register(a.huma, revoke, func(ctx context.Context, in *idInput) (*struct{}, error) {
		if err := a.RevokeKey(ctx, TenantID(ctx), in.ID); err != nil {
			return nil, a.storeErr(ctx, err, "key")
		}
		return nil, nil
	})
}
