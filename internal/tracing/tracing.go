// Package tracing sends OpenTelemetry traces to an OTLP endpoint when the
// standard environment asks for it (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; off by default and with
// OTEL_SDK_DISABLED=true), and traces each HTTP request as a span named by
// its route template, a child of the caller's traceparent.
package tracing

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
)

// Enabled reports whether the environment asks for traces.
func Enabled(getenv func(string) string) bool {
	if getenv("OTEL_SDK_DISABLED") == "true" {
		return false
	}
	return getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// Setup installs an OTLP/HTTP exporter (configured by the standard OTEL_*
// variables: endpoint, headers, timeout, TLS) as the process's tracer
// provider, with W3C trace context propagation; shutdown flushes it. When
// the environment does not ask for traces it does nothing (a no-op
// provider: spans cost next to nothing).
func Setup(ctx context.Context, getenv func(string) string, version string) (shutdown func(context.Context) error, err error) {
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	if !Enabled(getenv) {
		return func(context.Context) error { return nil }, nil
	}
	// The endpoint through getenv (the process's environment in production,
	// a map in tests); headers, timeout and TLS from the environment.
	var opts []otlptracehttp.Option
	if u := getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"); u != "" {
		opts = append(opts, otlptracehttp.WithEndpointURL(u))
	} else if u := getenv("OTEL_EXPORTER_OTLP_ENDPOINT"); u != "" {
		opts = append(opts, otlptracehttp.WithEndpointURL(strings.TrimRight(u, "/")+"/v1/traces"))
	}
	exp, err := otlptracehttp.New(ctx, opts...)
	if err != nil {
		return nil, err
	}
	name := getenv("OTEL_SERVICE_NAME")
	if name == "" {
		name = "opentomentor"
	}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(semconv.ServiceName(name), semconv.ServiceVersion(version)))
	if err != nil {
		return nil, err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	return tp.Shutdown, nil
}

// Middleware traces every request: a server span, the child of the caller's
// traceparent, named "METHOD route-template" (never the raw path, which
// carries ids), with the method, route and status.
func Middleware(routeOf func(*fiber.Ctx) string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		tracer := otel.Tracer("github.com/opentomentor/opentomentor/api")
		carrier := propagation.MapCarrier{}
		c.Request().Header.VisitAll(func(k, v []byte) { carrier[strings.ToLower(string(k))] = string(v) }) // MapCarrier is case-sensitive
		ctx := otel.GetTextMapPropagator().Extract(c.UserContext(), carrier)
		ctx, span := tracer.Start(ctx, c.Method(), trace.WithSpanKind(trace.SpanKindServer))
		defer span.End()
		c.SetUserContext(ctx)
		err := c.Next()
		route := routeOf(c)
		status := c.Response().StatusCode()
		span.SetName(c.Method() + " " + route)
		span.SetAttributes(attribute.String("http.request.method", c.Method()), attribute.String("http.route", route),
			attribute.Int("http.response.status_code", status))
		if status >= 500 {
			span.SetStatus(codes.Error, strconv.Itoa(status))
		}
		return err
	}
}
