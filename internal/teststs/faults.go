package teststs

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Faults are failures to inject into the following requests. Counters are
// consumed one per request (see Server.Inject and Server.InjectFor).
//
// In JSON (POST /_test/faults, GET /_test/faults) the fields are throttle,
// serverErrors, idpErrors, invalidToken, unauthorized, garbage and delay; names match
// case-insensitively, and delay is a Go duration string such as "2s" (a bare
// number is taken as seconds).
type Faults struct {
	Throttle     int           // answer 400 Throttling "Rate exceeded"
	ServerErrors int           // answer 500 (STS: InternalFailure, in STS error XML)
	IDPErrors    int           // answer 400 IDPCommunicationError
	InvalidToken int           // answer 400 InvalidIdentityToken (as a freshly created provider does)
	Delay        time.Duration // sleep this long before answering every following request (0 = none); respects request context cancellation
	Garbage      int           // answer 200 with a body that is not XML (STS) or JSON (the others)
	Unauthorized int           // CI token endpoints only: answer 401
}

type faultsJSON struct {
	Throttle     int             `json:"throttle"`
	ServerErrors int             `json:"serverErrors"`
	IDPErrors    int             `json:"idpErrors"`
	InvalidToken int             `json:"invalidToken"`
	Unauthorized int             `json:"unauthorized"`
	Delay        json.RawMessage `json:"delay,omitempty"`
	Garbage      int             `json:"garbage"`
}

// MarshalJSON writes the delay as a Go duration string.
func (f Faults) MarshalJSON() ([]byte, error) {
	d, _ := json.Marshal(f.Delay.String())
	return json.Marshal(faultsJSON{
		Throttle: f.Throttle, ServerErrors: f.ServerErrors, IDPErrors: f.IDPErrors,
		InvalidToken: f.InvalidToken, Unauthorized: f.Unauthorized, Delay: d, Garbage: f.Garbage,
	})
}

// UnmarshalJSON reads the delay as a Go duration string or a number of seconds.
func (f *Faults) UnmarshalJSON(b []byte) error {
	var j faultsJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*f = Faults{Throttle: j.Throttle, ServerErrors: j.ServerErrors, IDPErrors: j.IDPErrors,
		InvalidToken: j.InvalidToken, Unauthorized: j.Unauthorized, Garbage: j.Garbage}
	if len(j.Delay) == 0 || string(j.Delay) == "null" {
		return nil
	}
	var str string
	if err := json.Unmarshal(j.Delay, &str); err == nil {
		d, err := time.ParseDuration(str)
		if err != nil {
			return fmt.Errorf("delay: %w", err)
		}
		f.Delay = d
		return nil
	}
	var secs float64
	if err := json.Unmarshal(j.Delay, &secs); err != nil {
		return errors.New(`delay: want a duration string such as "2s" or a number of seconds`)
	}
	f.Delay = time.Duration(secs * float64(time.Second))
	return nil
}
