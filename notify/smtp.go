package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPConfig is where e-mail goes: OTM_SMTP_URL, parsed.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	// ImplicitTLS: smtps:// (TLS from the first byte). Otherwise STARTTLS is
	// required, except towards a loopback address, where a plain
	// connection is allowed (a local relay or a test server).
	ImplicitTLS bool
	Timeout     time.Duration // per SMTP step; default 30 s
}

// ParseSMTPURL reads smtp://user:pass@host:587 or smtps://user:pass@host:465
// (the user name and password percent-encoded). Errors name what is wrong,
// never the password.
func ParseSMTPURL(raw string) (*SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("not a URL (smtp://user:password@host:587 or smtps://…)")
	}
	c := &SMTPConfig{Host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		c.Port = 587
	case "smtps":
		c.Port, c.ImplicitTLS = 465, true
	default:
		return nil, fmt.Errorf("scheme %q: use smtp:// (STARTTLS) or smtps:// (TLS)", u.Scheme)
	}
	if c.Host == "" {
		return nil, errors.New("no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("port %q is not a port number", p)
		}
		c.Port = n
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("no path or query expected")
	}
	return c, nil
}

// Loopback reports whether the server is on this machine.
func (c *SMTPConfig) Loopback() bool {
	if c.Host == "localhost" {
		return true
	}
	ip := net.ParseIP(c.Host)
	return ip != nil && ip.IsLoopback()
}

// SMTP delivers through an SMTP server, one connection per e-mail.
type SMTP struct {
	cfg  SMTPConfig
	opts []gomail.Option
}

// NewSMTP returns the transport for c.
func NewSMTP(c SMTPConfig) *SMTP {
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	opts := []gomail.Option{gomail.WithPort(c.Port), gomail.WithTimeout(c.Timeout)}
	switch {
	case c.ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case c.Loopback():
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if c.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(c.Username), gomail.WithPassword(c.Password))
	}
	return &SMTP{cfg: c, opts: opts}
}

// Deliver sends e. A refusal with a 5xx reply is a *PermanentError; a
// timeout after the whole message was handed over is ErrUnconfirmed;
// everything else (server down, 4xx) is worth a retry.
func (t *SMTP) Deliver(ctx context.Context, e *Envelope) error {
	m, err := e.msg()
	if err != nil {
		return &PermanentError{Err: err}
	}
	client, err := gomail.NewClient(t.cfg.Host, t.opts...)
	if err != nil {
		return &PermanentError{Err: err}
	}
	err = client.DialAndSendWithContext(ctx, m)
	var se *gomail.SendError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se) && se.Reason == gomail.ErrSMTPDataClose && isTimeout(err):
		return fmt.Errorf("%w: %v", ErrUnconfirmed, err)
	case errors.As(err, &se) && se.ErrorCode() >= 500:
		return &PermanentError{Err: err}
	}
	return err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || strings.Contains(err.Error(), "i/o timeout")
}

// msg builds the MIME message: text and HTML alternatives, the stable
// Message-ID and the unsubscribe headers.
func (e *Envelope) msg() (*gomail.Msg, error) {
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	from, err := mail.ParseAddress(e.From)
	if err != nil {
		return nil, fmt.Errorf("sender %q: %w", e.From, err)
	}
	if err := m.FromFormat(from.Name, from.Address); err != nil {
		return nil, err
	}
	if err := m.AddToFormat(e.ToName, e.To); err != nil {
		return nil, err
	}
	m.Subject(e.Subject)
	m.SetMessageIDWithValue(strings.Trim(e.MessageID, "<>"))
	m.SetDateWithValue(e.Date)
	m.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	if e.Unsubscribe != "" {
		list := "<" + e.Unsubscribe + ">"
		if e.Preferences != "" {
			list += ", <" + e.Preferences + ">"
		}
		m.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribe, list)
		m.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	m.SetBodyString(gomail.TypeTextPlain, e.Text)
	if e.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, e.HTML)
	}
	return m, nil
}
