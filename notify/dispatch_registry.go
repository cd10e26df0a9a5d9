package notify

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/waypost/waypost/store"
)

// ChannelEnv is what a channel's constructor gets when the server starts.
type ChannelEnv struct {
	Store   store.Store
	Outbox  *Outbox
	Log     *slog.Logger
	Now     func() time.Time
	BaseURL string // the server's public address, for links
	Demo    bool
}

// ChannelSpec describes one channel to the server: its flags and how to
// build its Sender from them.
type ChannelSpec struct {
	Channel Channel
	// Flags adds the channel's flags to serve and demo (nil: none); the
	// values it binds are read in New.
	Flags func(fs *pflag.FlagSet)
	// New builds the Sender; a nil Sender with a nil error means the
	// channel is not configured (its messages wait in the outbox).
	New func(env ChannelEnv) (Sender, error)
}

var (
	regMu    sync.Mutex
	channels []ChannelSpec
	planners []func(env ChannelEnv) (Planner, error)
)

// RegisterChannel adds a channel; call it from an init function. A
// channel registered twice panics.
func RegisterChannel(c ChannelSpec) {
	regMu.Lock()
	defer regMu.Unlock()
	for _, x := range channels {
		if x.Channel == c.Channel {
			panic(fmt.Sprintf("notify: channel %q registered twice", c.Channel))
		}
	}
	channels = append(channels, c)
}

// Channels returns the registered channels in registration order.
func Channels() []ChannelSpec {
	regMu.Lock()
	defer regMu.Unlock()
	return append([]ChannelSpec(nil), channels...)
}

// RegisterPlanner sets how the server builds the Planner. The last one
// registered wins; without one, StatusPlanner is used.
func RegisterPlanner(build func(env ChannelEnv) (Planner, error)) {
	regMu.Lock()
	defer regMu.Unlock()
	planners = append(planners, build)
}

// BuildPlanner builds the registered Planner, or StatusPlanner when none
// is registered.
func BuildPlanner(env ChannelEnv) (Planner, error) {
	regMu.Lock()
	var build func(ChannelEnv) (Planner, error)
	if len(planners) > 0 {
		build = planners[len(planners)-1]
	}
	regMu.Unlock()
	if build == nil {
		return StatusPlanner{}, nil
	}
	return build(env)
}
