package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/trackno"
)

func itoa(i int) string { return strconv.Itoa(i) }

// Candidate is a carrier a tracking number may belong to.
type Candidate struct {
	Carrier  string   `json:"carrier" doc:"Carrier slug"`
	Name     string   `json:"name"`
	Score    float64  `json:"score" minimum:"0" maximum:"1" doc:"Higher is more likely"`
	Checksum string   `json:"checksum" enum:"valid,invalid,none"`
	Country  string   `json:"country,omitempty"`
	URL      string   `json:"url,omitempty" doc:"The carrier's public tracking page"`
	Reasons  []string `json:"reasons"`
}

func toCandidates(cs []trackno.Candidate, limit int) []Candidate {
	out := make([]Candidate, 0, min(len(cs), limit))
	for i, c := range cs {
		if i == limit {
			break
		}
		r := c.Reasons.Codes()
		if r == nil {
			r = []string{}
		}
		out = append(out, Candidate{Carrier: c.Carrier, Name: c.Name, Score: c.Score, Checksum: c.Checksum.String(),
			Country: c.Country, URL: c.URL(), Reasons: r})
	}
	return out
}

// DetectBody asks which carriers numbers belong to.
type DetectBody struct {
	Numbers            []string `json:"numbers" minItems:"1" maxItems:"1000"`
	OriginCountry      string   `json:"origin_country,omitempty" pattern:"^[A-Za-z]{2}$"`
	DestinationCountry string   `json:"destination_country,omitempty" pattern:"^[A-Za-z]{2}$"`
}

// DetectResult is the answer for one number.
type DetectResult struct {
	Input      string      `json:"input"`
	Number     string      `json:"number" doc:"Normalised"`
	Valid      bool        `json:"valid"`
	Country    string      `json:"country,omitempty" doc:"Issuing country where the format says"`
	Error      string      `json:"error,omitempty"`
	Candidates []Candidate `json:"candidates"`
}

// CarrierInfo describes a carrier.
type CarrierInfo struct {
	Slug     string `json:"slug"`
	Name     string `json:"name"`
	Country  string `json:"country,omitempty" doc:"Home country; absent for global carriers"`
	Website  string `json:"website,omitempty"`
	TrackURL string `json:"track_url,omitempty" doc:"Public tracking page; %s marks the number"`
}

func (a *API) registerMisc() {
	var auth Auth
	detect := huma.Operation{OperationID: "detect-carriers", Method: http.MethodPost, Path: Base + "/detect",
		Summary: "Detect the carriers of tracking numbers", Tags: []string{"Carriers"}, Errors: []int{413, 422}, MaxBodyBytes: MaxBody}
	auth.Require(&detect, store.ScopeRead)
	type detectInput struct{ Body DetectBody }
	type detectOutput struct {
		Body struct {
			Results []DetectResult `json:"results"`
		}
	}
	huma.Register(a.huma, detect, func(ctx context.Context, in *detectInput) (*detectOutput, error) {
		h := trackno.Hints{Origin: strings.ToUpper(in.Body.OriginCountry), Destination: strings.ToUpper(in.Body.DestinationCountry)}
		out := &detectOutput{}
		out.Body.Results = make([]DetectResult, 0, len(in.Body.Numbers))
		for _, n := range in.Body.Numbers {
			r := trackno.DetectHints(n, h)
			out.Body.Results = append(out.Body.Results, DetectResult{Input: n, Number: r.Number, Valid: r.Valid,
				Country: r.Country, Error: r.Error, Candidates: toCandidates(r.Candidates, 10)})
		}
		return out, nil
	})

	carriers := huma.Operation{OperationID: "list-carriers", Method: http.MethodGet, Path: Base + "/carriers",
		Summary: "List the carriers Waypost knows", Tags: []string{"Carriers"}, Errors: []int{422}}
	auth.Require(&carriers, store.ScopeRead)
	type carriersInput struct {
		Country string `query:"country" pattern:"^[A-Za-z]{2}$" doc:"Only carriers of this home country"`
	}
	type carriersOutput struct {
		Body struct {
			Carriers []CarrierInfo `json:"carriers"`
		}
	}
	huma.Register(a.huma, carriers, func(ctx context.Context, in *carriersInput) (*carriersOutput, error) {
		out := &carriersOutput{}
		out.Body.Carriers = []CarrierInfo{}
		for _, c := range carrier.All() {
			if in.Country != "" && !strings.EqualFold(c.Country, in.Country) {
				continue
			}
			out.Body.Carriers = append(out.Body.Carriers, CarrierInfo{c.Slug, c.Name, c.Country, c.Website, c.TrackURL})
		}
		return out, nil
	})
}
