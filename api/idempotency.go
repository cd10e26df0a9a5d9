package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"
)

// IdempotencyTTL is how long an Idempotency-Key's answer is kept.
const IdempotencyTTL = 24 * time.Hour

// IdempotencyHeader is embedded in the input of POST operations that
// create something.
type IdempotencyHeader struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"255" doc:"Makes a retry safe: the same key and body within 24 h replays the first answer"`
}

// ReplayHeader is embedded in their output.
type ReplayHeader struct {
	Replayed string `header:"Idempotent-Replayed" doc:"true when the answer is a replay of an earlier request with the same Idempotency-Key"`
}

func (r *ReplayHeader) markReplayed() { r.Replayed = "true" }

type replayable interface{ markReplayed() }

// idempotent runs fn once per (tenant, key): the first answer (when
// successful) is stored with a hash of the operation and body, replayed
// for a retry with the same body, and a different body under the same
// key is refused. O is the operation's output struct; it is stored as
// JSON, so its fields must survive a round trip.
func idempotent[O any, PO interface {
	*O
	replayable
}](ctx context.Context, a *API, key, op string, body any, fn func() (*O, error)) (*O, error) {
	if key == "" {
		return fn()
	}
	tenant := TenantID(ctx)
	b, err := json.Marshal(body)
	if err != nil {
		return nil, a.internal(ctx, "hashing the request", err)
	}
	h := sha256.New()
	h.Write([]byte(op))
	h.Write([]byte{0})
	h.Write(b)
	sum := hex.EncodeToString(h.Sum(nil))
	now := a.now()
	rec, claimed, err := a.idem.ClaimIdempotencyKey(ctx, tenant, key, sum, now, now.Add(-IdempotencyTTL))
	if err != nil {
		return nil, a.internal(ctx, "checking the idempotency key", err)
	}
	if !claimed {
		switch {
		case rec.RequestHash != sum:
			return nil, NewError(http.StatusUnprocessableEntity, CodeIdempotencyReused,
				"this Idempotency-Key was used with a different request in the last 24 hours")
		case !rec.Done:
			return nil, NewError(http.StatusConflict, CodeIdempotencyInFlight,
				"a request with this Idempotency-Key is still running; retry shortly")
		}
		out := new(O)
		if err := json.Unmarshal(rec.Body, out); err != nil {
			return nil, a.internal(ctx, "replaying the stored answer", err)
		}
		PO(out).markReplayed()
		return out, nil
	}
	out, runErr := fn()
	// The stored answer must not depend on the client's cancellation.
	sctx := context.WithoutCancel(ctx)
	if runErr != nil {
		// Nothing was stored, whether the client erred or we did: forget
		// the key so that a corrected or later retry runs.
		if err := a.idem.ReleaseIdempotencyKey(sctx, tenant, key); err != nil {
			a.log.WarnContext(ctx, "api: release idempotency key", "error", err)
		}
		return nil, runErr
	}
	stored, err := json.Marshal(out)
	if err == nil {
		err = a.idem.CompleteIdempotencyKey(sctx, tenant, key, http.StatusOK, stored)
	}
	if err != nil {
		a.log.ErrorContext(ctx, "api: store idempotent answer", "error", err)
	}
	return out, nil
}
