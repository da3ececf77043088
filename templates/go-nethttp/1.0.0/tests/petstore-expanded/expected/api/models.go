package api

// Models of Swagger Petstore, one struct per schema it stores or reads.

import (
	"encoding/json"
)

// Pet is the schema Pet.
type Pet struct {
	Name string  `json:"name"`
	Tag  *string `json:"tag,omitempty"`
	ID   int64   `json:"id"`
}

// NewPet is the schema NewPet; decodeNewPet reads and validates it.
type NewPet struct {
	Name string  `json:"name"`
	Tag  *string `json:"tag,omitempty"`
}

func decodeNewPet(raw map[string]json.RawMessage) (NewPet, error) {
	var out NewPet
	v1, err := stringField(raw, "name", rule{required: true})
	if err != nil {
		return out, err
	}
	if v1 != nil {
		out.Name = *v1
	}
	v2, err := stringField(raw, "tag", rule{})
	if err != nil {
		return out, err
	}
	out.Tag = v2
	return out, nil
}
