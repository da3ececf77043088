package api

// Models of Library, one struct per schema it stores or reads.

import (
	"encoding/json"
)

// Shelf is the schema Shelf.
type Shelf struct {
	Label string `json:"label"`
	Floor *int64 `json:"floor,omitempty"`
	ID    int64  `json:"id"`
}

// ShelfInput is the schema ShelfInput; decodeShelfInput reads and validates it.
type ShelfInput struct {
	Label string `json:"label"`
	Floor *int64 `json:"floor,omitempty"`
}

func decodeShelfInput(raw map[string]json.RawMessage) (ShelfInput, error) {
	var out ShelfInput
	v1, err := stringField(raw, "label", rule{required: true, minLength: 1, maxLength: size(40)})
	if err != nil {
		return out, err
	}
	if v1 != nil {
		out.Label = *v1
	}
	v2, err := intField(raw, "floor", rule{nullable: true, minimum: bound(0.0), maximum: bound(9.0)})
	if err != nil {
		return out, err
	}
	out.Floor = v2
	return out, nil
}

// ShelfPatch is the schema ShelfPatch; decodeShelfPatch reads and validates it.
type ShelfPatch struct {
	Label *string `json:"label,omitempty"`
	Floor *int64  `json:"floor,omitempty"`
}

func decodeShelfPatch(raw map[string]json.RawMessage) (ShelfPatch, error) {
	var out ShelfPatch
	if err := onlyFields(raw, "label", "floor"); err != nil {
		return out, err
	}
	v1, err := stringField(raw, "label", rule{minLength: 1, maxLength: size(40)})
	if err != nil {
		return out, err
	}
	out.Label = v1
	v2, err := intField(raw, "floor", rule{nullable: true, minimum: bound(0.0), maximum: bound(9.0)})
	if err != nil {
		return out, err
	}
	out.Floor = v2
	return out, nil
}

// Book is the schema Book.
type Book struct {
	ID       int64  `json:"id"`
	ShelfID  int64  `json:"shelfId"`
	Title    string `json:"title"`
	Language string `json:"language"`
	Pages    *int64 `json:"pages,omitempty"`
	AddedAt  string `json:"addedAt"`
}

// BookInput is the schema BookInput; decodeBookInput reads and validates it.
type BookInput struct {
	Title    string `json:"title"`
	Language string `json:"language"`
	Pages    *int64 `json:"pages,omitempty"`
}

func decodeBookInput(raw map[string]json.RawMessage) (BookInput, error) {
	var out BookInput
	v1, err := stringField(raw, "title", rule{required: true, minLength: 1})
	if err != nil {
		return out, err
	}
	if v1 != nil {
		out.Title = *v1
	}
	v2, err := stringField(raw, "language", rule{required: true, enum: []string{"en", "fr", "de"}})
	if err != nil {
		return out, err
	}
	if v2 != nil {
		out.Language = *v2
	}
	v3, err := intField(raw, "pages", rule{minimum: bound(1.0)})
	if err != nil {
		return out, err
	}
	if v3 == nil {
		fallback := int64(100)
		v3 = &fallback
	}
	out.Pages = v3
	return out, nil
}
