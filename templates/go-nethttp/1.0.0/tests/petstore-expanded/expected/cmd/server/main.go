// Command server serves Swagger Petstore on $PORT (default 8000).
package main

import (
	"log"
	"os"

	"swaggerpetstore/api"
)

func main() {
	log.Fatal(api.NewHTTPServer(os.Getenv).ListenAndServe())
}
