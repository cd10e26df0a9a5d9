package alert

import (
	"time"

	"github.com/waypost/waypost/store"
)

// Thresholds decides how long each condition must last for one tenant:
// the tenant's settings rows first (the most specific match of carrier,
// origin and destination wins), then what Normals learned for the lane,
// then the defaults.
type Thresholds struct {
	Settings []store.AlertSetting
	Normals  Normals // nil: defaults only
}

// setting returns the most specific setting for the kind and lane.
func (t *Thresholds) setting(k Kind, carrier, origin, dest string) (store.AlertSetting, bool) {
	best, score := store.AlertSetting{}, -1
	for _, s := range t.Settings {
		if s.Kind != string(k) || (s.Carrier != "" && s.Carrier != carrier) ||
			(s.Origin != "" && s.Origin != origin) || (s.Destination != "" && s.Destination != dest) {
			continue
		}
		sc := 0
		if s.Carrier != "" {
			sc += 4
		}
		if s.Origin != "" {
			sc += 2
		}
		if s.Destination != "" {
			sc++
		}
		if sc > score {
			best, score = s, sc
		}
	}
	return best, score >= 0
}

// For returns the threshold of kind k for the subject at stage, and false
// when the tenant disabled the kind for this lane.
func (t *Thresholds) For(k Kind, s *store.AlertSubject, stage Stage) (time.Duration, bool) {
	set, ok := t.setting(k, s.Carrier, s.OriginCountry, s.DestinationCountry)
	if ok && set.Disabled {
		return 0, false
	}
	if ok && set.Threshold > 0 {
		return set.Threshold, true
	}
	switch k {
	case Stalled:
		ceiling, _ := t.For(InvestigationDue, s, stage)
		d := stageDefaults[stage]
		if t.Normals != nil {
			if n, ok := t.Normals.Dwell(s.OriginCountry, s.DestinationCountry, s.Carrier, stage); ok {
				// A gap shorter than a day is the cadence of a working
				// day, not a stall.
				d = max(n, Day)
			}
		}
		return min(d, ceiling), true
	case CustomsDelay:
		if t.Normals != nil {
			if n, ok := t.Normals.Dwell(s.OriginCountry, s.DestinationCountry, s.Carrier, StageCustoms); ok {
				return max(n, Day), true
			}
		}
	}
	return kindInfo[k].threshold, true
}
