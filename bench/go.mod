module github.com/okauth/okauth/bench

go 1.25.0

require (
	github.com/gorilla/securecookie v1.1.2
	github.com/gorilla/sessions v1.4.0
	github.com/markbates/goth v1.82.0
	github.com/okauth/okauth v0.1.0
	github.com/okauth/okauth/okredis v0.1.0
	github.com/stretchr/testify v1.12.1
)

require (
	github.com/go-chi/chi/v5 v5.2.2 // indirect
	github.com/gorilla/context v1.1.1 // indirect
	github.com/gorilla/mux v1.6.2 // indirect
	github.com/redis/rueidis v1.0.79 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/oauth2 v0.27.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
)

replace github.com/okauth/okauth => ../

replace github.com/okauth/okauth/okredis => ../okredis
