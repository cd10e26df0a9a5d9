package postgres_test

import (
	"testing"

	"github.com/waypost/waypost/store/storetest"
)

func TestEstimates(t *testing.T) { storetest.RunEstimates(t, open) }
