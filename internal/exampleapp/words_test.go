package exampleapp

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestWordsComplete checks that each language has every text the pages
// show: a text missing in one language is an empty button or title there.
func TestWordsComplete(t *testing.T) {
	for _, w := range []words{english, russian} {
		v := reflect.ValueOf(w)
		for i := range v.NumField() {
			assert.NotEmpty(t, v.Field(i).String(), "%s: %s", w.Lang, v.Type().Field(i).Name)
		}
	}
}
