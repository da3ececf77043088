package api

// The in-memory repository on its own: the order it keeps, replacing, deleting.

import "testing"

func TestMemoryRepositoryKeepsTheFirstStoreOrderAndDeletes(t *testing.T) {
	var repository Repository[Book] = NewMemoryRepository[Book]()
	var first, second Book
	repository.Put("a", first)
	repository.Put("b", second)
	repository.Put("a", first)
	if items := repository.List(); len(items) != 2 {
		t.Fatalf("%d items, want 2", len(items))
	}
	if !repository.Delete("a") || repository.Delete("a") {
		t.Fatal("delete reports wrongly whether the item was stored")
	}
	if _, found := repository.Get("a"); found {
		t.Fatal("a deleted item is still found")
	}
	if _, found := repository.Get("b"); !found {
		t.Fatal("the other item is gone")
	}
}
