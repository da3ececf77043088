package api

// Models of Bookstore, one struct per schema it stores or reads.

import (
	"encoding/json"
)

// Book is the schema Book.
type Book struct {
	Title       string   `json:"title"`
	AuthorID    string   `json:"authorId"`
	Genre       string   `json:"genre"`
	Isbn        *string  `json:"isbn,omitempty"`
	PublishedOn *string  `json:"publishedOn,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	ID          string   `json:"id"`
	CreatedAt   string   `json:"createdAt"`
}

// NewBook is the schema NewBook; decodeNewBook reads and validates it.
type NewBook struct {
	Title       string   `json:"title"`
	AuthorID    string   `json:"authorId"`
	Genre       string   `json:"genre"`
	Isbn        *string  `json:"isbn,omitempty"`
	PublishedOn *string  `json:"publishedOn,omitempty"`
	Tags        []string `json:"tags,omitempty"`
}

func decodeNewBook(raw map[string]json.RawMessage) (NewBook, error) {
	var out NewBook
	v1, err := stringField(raw, "title", rule{required: true, minLength: 1, maxLength: size(200)})
	if err != nil {
		return out, err
	}
	if v1 != nil {
		out.Title = *v1
	}
	v2, err := stringField(raw, "authorId", rule{required: true, format: "uuid"})
	if err != nil {
		return out, err
	}
	if v2 != nil {
		out.AuthorID = *v2
	}
	v3, err := stringField(raw, "genre", rule{required: true, enum: []string{"fiction", "non-fiction", "poetry", "drama"}})
	if err != nil {
		return out, err
	}
	if v3 != nil {
		out.Genre = *v3
	}
	v4, err := stringField(raw, "isbn", rule{pattern: pattern1})
	if err != nil {
		return out, err
	}
	out.Isbn = v4
	v5, err := stringField(raw, "publishedOn", rule{format: "date"})
	if err != nil {
		return out, err
	}
	out.PublishedOn = v5
	v6, err := stringsField(raw, "tags", rule{maxItems: size(10)})
	if err != nil {
		return out, err
	}
	out.Tags = v6
	return out, nil
}

// Author is the schema Author.
type Author struct {
	Name  string  `json:"name"`
	Email *string `json:"email,omitempty"`
	Born  *int64  `json:"born,omitempty"`
	ID    string  `json:"id"`
}

// NewAuthor is the schema NewAuthor; decodeNewAuthor reads and validates it.
type NewAuthor struct {
	Name  string  `json:"name"`
	Email *string `json:"email,omitempty"`
	Born  *int64  `json:"born,omitempty"`
}

func decodeNewAuthor(raw map[string]json.RawMessage) (NewAuthor, error) {
	var out NewAuthor
	v1, err := stringField(raw, "name", rule{required: true, minLength: 1})
	if err != nil {
		return out, err
	}
	if v1 != nil {
		out.Name = *v1
	}
	v2, err := stringField(raw, "email", rule{format: "email"})
	if err != nil {
		return out, err
	}
	out.Email = v2
	v3, err := intField(raw, "born", rule{nullable: true, minimum: bound(0.0)})
	if err != nil {
		return out, err
	}
	out.Born = v3
	return out, nil
}
