package frontend

import (
	"net/http"

	"github.com/gofiber/fiber/v2"
)

// welcomeView is GET /welcome: what a newcomer came for, with the next step
// for each answer.
type welcomeView struct {
	Choices []welcomeChoice
}

type welcomeChoice struct {
	Key, URL string // Key names the catalog texts welcome.<key>.title / .text / .cta
}

// welcome answers GET /welcome, where a person lands after their first
// sign-in (when they were not heading anywhere in particular).
func (f *Frontend) welcome(c *fiber.Ctx) error {
	d := f.newPage(c, "home")
	if d.Principal == nil {
		return toSignIn(c, "/welcome")
	}
	v := &welcomeView{}
	if f.cfg.Profiles != nil {
		v.Choices = append(v.Choices, welcomeChoice{Key: "mentor", URL: "/apply"})
		if f.cfg.Search != nil {
			v.Choices = append(v.Choices, welcomeChoice{Key: "mentee", URL: "/request"}, welcomeChoice{Key: "both", URL: "/apply"})
		}
	}
	v.Choices = append(v.Choices, welcomeChoice{Key: "browse", URL: "/mentors"})
	d.Title = f.translate(d.Lang, "welcome.title")
	d.Welcome = v
	return f.render(c, http.StatusOK, "welcome", d)
}
