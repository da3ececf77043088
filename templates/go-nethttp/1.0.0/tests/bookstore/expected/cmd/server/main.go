// Command server serves Bookstore on $PORT (default 8000).
package main

import (
	"log"
	"os"

	"bookstore/api"
)

func main() {
	log.Fatal(api.NewHTTPServer(os.Getenv).ListenAndServe())
}
