// Package k8s validates the Kubernetes manifests in base/ offline: every
// object is decoded strictly into its typed Kubernetes API struct (an unknown
// or misspelt field fails), and the objects are checked against each other.
package k8s

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

const (
	baseDir       = "base"
	secretExample = "secret.example.yaml"
	secretName    = "opentomentor-secrets"
	configMapName = "opentomentor-config"
	appName       = "opentomentor"
)

// kustomization is the part of kustomization.yaml the test reads.
type kustomization struct {
	Resources []string `json:"resources"`
}

// manifests holds the decoded objects of the base.
type manifests struct {
	deployment     *appsv1.Deployment
	service        *corev1.Service
	configMap      *corev1.ConfigMap
	serviceAccount *corev1.ServiceAccount
	ingress        *networkingv1.Ingress
	pdb            *policyv1.PodDisruptionBudget
	hpa            *autoscalingv2.HorizontalPodAutoscaler
	secret         *corev1.Secret // secret.example.yaml, not a resource of the base
}

// check is one row of a table-driven comparison.
type check struct {
	name      string
	got, want any
}

func runChecks(t *testing.T, checks []check) {
	t.Helper()
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

// decodeStrict converts YAML to JSON and decodes it into out, refusing
// unknown fields and more than one document.
func decodeStrict(t *testing.T, data []byte, out any) error {
	t.Helper()
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimRight(line, " \t\r") == "---" {
			return fmt.Errorf("more than one YAML document: keep one object per file")
		}
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return fmt.Errorf("YAML to JSON: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data after the object")
	}
	return nil
}

// newTyped returns the typed object for apiVersion+kind, or nil if unknown.
func newTyped(tm metav1.TypeMeta) any {
	switch tm.APIVersion + " " + tm.Kind {
	case "apps/v1 Deployment":
		return &appsv1.Deployment{}
	case "v1 Service":
		return &corev1.Service{}
	case "v1 ConfigMap":
		return &corev1.ConfigMap{}
	case "v1 ServiceAccount":
		return &corev1.ServiceAccount{}
	case "networking.k8s.io/v1 Ingress":
		return &networkingv1.Ingress{}
	case "policy/v1 PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}
	case "autoscaling/v2 HorizontalPodAutoscaler":
		return &autoscalingv2.HorizontalPodAutoscaler{}
	}
	return nil
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(baseDir, name))
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return data
}

func readKustomization(t *testing.T) kustomization {
	t.Helper()
	var k kustomization
	if err := yaml.Unmarshal(readFile(t, "kustomization.yaml"), &k); err != nil {
		t.Fatalf("kustomization.yaml: %v", err)
	}
	if len(k.Resources) == 0 {
		t.Fatal("kustomization.yaml: got no resources, want the base's objects")
	}
	return k
}

// loadManifests decodes every resource of the kustomization strictly, and
// secret.example.yaml as a v1 Secret.
func loadManifests(t *testing.T) *manifests {
	t.Helper()
	m := &manifests{}
	for _, res := range readKustomization(t).Resources {
		data := readFile(t, res)
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(data, &tm); err != nil {
			t.Fatalf("%s: %v", res, err)
		}
		obj := newTyped(tm)
		if obj == nil {
			t.Fatalf("%s: unknown apiVersion %q kind %q", res, tm.APIVersion, tm.Kind)
		}
		if err := decodeStrict(t, data, obj); err != nil {
			t.Fatalf("%s: strict decoding as %s %s: %v", res, tm.APIVersion, tm.Kind, err)
		}
		var dup bool
		switch o := obj.(type) {
		case *appsv1.Deployment:
			dup, m.deployment = m.deployment != nil, o
		case *corev1.Service:
			dup, m.service = m.service != nil, o
		case *corev1.ConfigMap:
			dup, m.configMap = m.configMap != nil, o
		case *corev1.ServiceAccount:
			dup, m.serviceAccount = m.serviceAccount != nil, o
		case *networkingv1.Ingress:
			dup, m.ingress = m.ingress != nil, o
		case *policyv1.PodDisruptionBudget:
			dup, m.pdb = m.pdb != nil, o
		case *autoscalingv2.HorizontalPodAutoscaler:
			dup, m.hpa = m.hpa != nil, o
		}
		if dup {
			t.Fatalf("%s: a second %s: the checks expect one of each kind", res, tm.Kind)
		}
	}
	missing := []string{}
	for name, present := range map[string]bool{
		"Deployment": m.deployment != nil, "Service": m.service != nil,
		"ConfigMap": m.configMap != nil, "ServiceAccount": m.serviceAccount != nil,
		"Ingress": m.ingress != nil, "PodDisruptionBudget": m.pdb != nil,
		"HorizontalPodAutoscaler": m.hpa != nil,
	} {
		if !present {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		t.Fatalf("kustomization resources: missing %v", missing)
	}

	m.secret = &corev1.Secret{}
	data := readFile(t, secretExample)
	if err := decodeStrict(t, data, m.secret); err != nil {
		t.Fatalf("%s: strict decoding as v1 Secret: %v", secretExample, err)
	}
	if m.secret.APIVersion != "v1" || m.secret.Kind != "Secret" {
		t.Fatalf("%s: got %s %s, want v1 Secret", secretExample, m.secret.APIVersion, m.secret.Kind)
	}
	return m
}

func (m *manifests) container(t *testing.T) corev1.Container {
	t.Helper()
	cs := m.deployment.Spec.Template.Spec.Containers
	if len(cs) != 1 {
		t.Fatalf("deployment containers: got %d, want 1", len(cs))
	}
	return cs[0]
}

func TestKustomizationListsEveryFile(t *testing.T) {
	k := readKustomization(t)
	listed := map[string]bool{}
	for _, res := range k.Resources {
		if listed[res] {
			t.Errorf("resource %s: listed twice", res)
		}
		listed[res] = true
		if _, err := os.Stat(filepath.Join(baseDir, res)); err != nil {
			t.Errorf("resource %s: %v", res, err)
		}
	}
	if listed[secretExample] {
		t.Errorf("resource %s: got listed, want it left out (real secrets come from a secret manager)", secretExample)
	}
	entries, err := os.ReadDir(baseDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			continue
		}
		if name == "kustomization.yaml" || name == secretExample {
			continue
		}
		if !listed[name] {
			t.Errorf("file %s: got not listed in kustomization.yaml resources, want listed", name)
		}
	}
}

func TestManifestsDecodeStrictly(t *testing.T) {
	loadManifests(t)
}

func TestStrictDecodingRejectsUnknownFields(t *testing.T) {
	cases := []struct {
		name string
		yaml string
	}{
		{"misspelt spec field", `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: x
spec:
  replica: 2
`},
		{"unknown container field", `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: x
spec:
  template:
    spec:
      containers:
        - name: x
          image: x
          readinessProbes: {}
`},
		{"two documents", `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: x
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: y
`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d appsv1.Deployment
			if err := decodeStrict(t, []byte(c.yaml), &d); err == nil {
				t.Errorf("decodeStrict: got no error, want one")
			}
		})
	}
	// The same decoder accepts the correct spelling.
	var d appsv1.Deployment
	if err := decodeStrict(t, []byte("apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 2\n"), &d); err != nil {
		t.Errorf("decodeStrict of a valid Deployment: got %v, want no error", err)
	}
}

func TestDeployment(t *testing.T) {
	m := loadManifests(t)
	d := m.deployment
	c := m.container(t)
	pod := d.Spec.Template.Spec

	replicas := int32(1)
	if d.Spec.Replicas != nil {
		replicas = *d.Spec.Replicas
	}
	probePath := func(p *corev1.Probe) string {
		if p == nil || p.HTTPGet == nil {
			return "<none>"
		}
		return p.HTTPGet.Path
	}
	ptrBool := func(b *bool) any {
		if b == nil {
			return "<unset>"
		}
		return *b
	}
	var runAsNonRoot, readOnlyRoot, privEsc any = "<unset>", "<unset>", "<unset>"
	var dropsAll bool
	if sc := c.SecurityContext; sc != nil {
		runAsNonRoot = ptrBool(sc.RunAsNonRoot)
		readOnlyRoot = ptrBool(sc.ReadOnlyRootFilesystem)
		privEsc = ptrBool(sc.AllowPrivilegeEscalation)
		dropsAll = sc.Capabilities != nil && slices.Contains(sc.Capabilities.Drop, "ALL")
	}
	selector, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		t.Fatalf("deployment selector: %v", err)
	}
	mounts := map[string]string{}
	for _, vm := range c.VolumeMounts {
		mounts[vm.MountPath] = vm.Name
	}
	emptyDirs := map[string]bool{}
	for _, v := range pod.Volumes {
		emptyDirs[v.Name] = v.EmptyDir != nil
	}

	runChecks(t, []check{
		{"replicas >= 2", replicas >= 2, true},
		{"selector matches the pod template labels", selector.Matches(labels.Set(d.Spec.Template.Labels)), true},
		{"readinessProbe path", probePath(c.ReadinessProbe), "/readyz"},
		{"livenessProbe path", probePath(c.LivenessProbe), "/healthz"},
		{"startupProbe set", probePath(c.StartupProbe) != "<none>", true},
		{"container runAsNonRoot", runAsNonRoot, true},
		{"container readOnlyRootFilesystem", readOnlyRoot, true},
		{"container allowPrivilegeEscalation", privEsc, false},
		{"container capabilities drop ALL", dropsAll, true},
		{"resources requests set", len(c.Resources.Requests) > 0, true},
		{"resources limits set", len(c.Resources.Limits) > 0, true},
		{"serviceAccountName", pod.ServiceAccountName, m.serviceAccount.Name},
		{"/data is an emptyDir", emptyDirs[mounts["/data"]], true},
		{"/tmp is an emptyDir", emptyDirs[mounts["/tmp"]], true},
	})
	if pod.SecurityContext == nil || pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot {
		t.Errorf("pod securityContext.runAsNonRoot: got unset or false, want true")
	}

	// Probes use the container's ports.
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	for name, p := range map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe, "startup": c.StartupProbe} {
		if p == nil || p.HTTPGet == nil {
			continue
		}
		if port := p.HTTPGet.Port; port.StrVal != "" {
			if _, ok := ports[port.StrVal]; !ok {
				t.Errorf("%s probe port %q: got no such container port, want one of %v", name, port.StrVal, ports)
			}
		}
	}
}

// sensitive reports whether an environment variable name is a credential.
func sensitive(name string) bool {
	for _, w := range []string{"SECRET", "KEY", "PASSWORD", "URI", "SMTP"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

func TestDeploymentEnvReferences(t *testing.T) {
	m := loadManifests(t)
	c := m.container(t)
	secretKeys := map[string]bool{}
	for k := range m.secret.StringData {
		secretKeys[k] = true
	}
	for k := range m.secret.Data {
		secretKeys[k] = true
	}
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
		if sensitive(e.Name) {
			var ref bool
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				ref = true
			}
			runChecks(t, []check{
				{e.Name + " has a literal value", e.Value != "", false},
				{e.Name + " comes from a secretKeyRef", ref, true},
			})
		}
		if e.ValueFrom == nil {
			continue
		}
		if r := e.ValueFrom.SecretKeyRef; r != nil {
			runChecks(t, []check{
				{e.Name + " secretKeyRef name", r.Name, secretName},
				{e.Name + " secretKeyRef key " + r.Key + " in " + secretExample, secretKeys[r.Key], true},
			})
		}
		if r := e.ValueFrom.ConfigMapKeyRef; r != nil {
			_, ok := m.configMap.Data[r.Key]
			runChecks(t, []check{
				{e.Name + " configMapKeyRef name", r.Name, m.configMap.Name},
				{e.Name + " configMapKeyRef key " + r.Key + " in the ConfigMap", ok, true},
			})
		}
	}

	for _, name := range []string{"OTM_MONGODB_URI", "OTM_MEILISEARCH_API_KEY", "OTM_SMTP_URL"} {
		if _, ok := env[name]; !ok {
			t.Errorf("env %s: got missing, want set from the Secret", name)
		}
	}
	runChecks(t, []check{
		{"ConfigMap name", m.configMap.Name, configMapName},
		{"Secret name", m.secret.Name, secretName},
		{"OTM_ENV", env["OTM_ENV"].Value, "production"},
		{"OTM_ADDR", env["OTM_ADDR"].Value, "0.0.0.0:8080"},
		{"OTM_METRICS_ADDR", env["OTM_METRICS_ADDR"].Value, "0.0.0.0:9090"},
	})

	// Every clientSecretEnv in providers.yaml is filled from the Secret, and
	// the file is mounted where OTM_OIDC_PROVIDERS_FILE says.
	var providers struct {
		Providers []struct {
			ID              string `json:"id"`
			ClientSecretEnv string `json:"clientSecretEnv"`
		} `json:"providers"`
	}
	raw, ok := m.configMap.Data["providers.yaml"]
	if !ok {
		t.Fatal("ConfigMap providers.yaml: got missing, want an example providers file")
	}
	if err := yaml.Unmarshal([]byte(raw), &providers); err != nil {
		t.Fatalf("ConfigMap providers.yaml: %v", err)
	}
	if len(providers.Providers) == 0 {
		t.Error("ConfigMap providers.yaml: got no providers, want at least one")
	}
	for _, p := range providers.Providers {
		if p.ClientSecretEnv == "" {
			continue
		}
		e, ok := env[p.ClientSecretEnv]
		ref := ok && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil
		runChecks(t, []check{{"provider " + p.ID + ": " + p.ClientSecretEnv + " from a secretKeyRef", ref, true}})
	}

	file := env["OTM_OIDC_PROVIDERS_FILE"].Value
	var mounted bool
	for _, vm := range c.VolumeMounts {
		if filepath.Dir(file) != vm.MountPath {
			continue
		}
		for _, v := range m.deployment.Spec.Template.Spec.Volumes {
			if v.Name != vm.Name || v.ConfigMap == nil || v.ConfigMap.Name != m.configMap.Name {
				continue
			}
			if len(v.ConfigMap.Items) == 0 {
				mounted = filepath.Base(file) == "providers.yaml"
			}
			for _, it := range v.ConfigMap.Items {
				if _, ok := m.configMap.Data[it.Key]; !ok {
					t.Errorf("volume %s item key %q: got missing in the ConfigMap, want present", v.Name, it.Key)
				}
				if it.Path == filepath.Base(file) && it.Key == "providers.yaml" {
					mounted = true
				}
			}
		}
	}
	runChecks(t, []check{{"OTM_OIDC_PROVIDERS_FILE " + file + " mounted from the ConfigMap", mounted, true}})
}

func TestServiceAndIngress(t *testing.T) {
	m := loadManifests(t)
	c := m.container(t)
	s := m.service
	containerPorts := map[string]bool{}
	for _, p := range c.Ports {
		containerPorts[p.Name] = true
	}
	servicePorts := map[string]int32{}
	var port80 bool
	for _, p := range s.Spec.Ports {
		servicePorts[p.Name] = p.Port
		runChecks(t, []check{
			{"service port " + p.Name + " targets a named container port", containerPorts[p.TargetPort.StrVal], true},
		})
		if p.Port == 80 && p.TargetPort.StrVal == "http" {
			port80 = true
		}
	}
	svcSelects := labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(m.deployment.Spec.Template.Labels))
	runChecks(t, []check{
		{"service type", s.Spec.Type, corev1.ServiceTypeClusterIP},
		{"service port 80 -> http", port80, true},
		{"service has a metrics port", containerPorts["metrics"] && servicePorts["metrics"] != 0, true},
		{"service selector non-empty", len(s.Spec.Selector) > 0, true},
		{"service selects the pods", svcSelects, true},
	})

	var backends int
	check1 := func(where string, b *networkingv1.IngressBackend) {
		t.Helper()
		if b == nil || b.Service == nil {
			t.Errorf("%s: got no service backend, want %s", where, s.Name)
			return
		}
		backends++
		bp := b.Service.Port
		var ok bool
		if bp.Name != "" {
			_, ok = servicePorts[bp.Name]
		} else {
			for _, n := range servicePorts {
				ok = ok || n == bp.Number
			}
		}
		runChecks(t, []check{
			{where + " service", b.Service.Name, s.Name},
			{where + " port exists on the Service", ok, true},
			{where + " does not route to metrics", bp.Name != "metrics" && bp.Number != servicePorts["metrics"], true},
		})
	}
	ing := m.ingress
	if ing.Spec.DefaultBackend != nil {
		check1("ingress defaultBackend", ing.Spec.DefaultBackend)
	}
	for _, r := range ing.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		for _, p := range r.HTTP.Paths {
			check1("ingress "+r.Host+p.Path, &p.Backend)
		}
	}
	runChecks(t, []check{
		{"ingress has a backend", backends > 0, true},
		{"ingress has TLS", len(ing.Spec.TLS) > 0 && ing.Spec.TLS[0].SecretName != "", true},
	})
}

func TestPDBAndHPA(t *testing.T) {
	m := loadManifests(t)
	d := m.deployment
	pdbSelector, err := metav1.LabelSelectorAsSelector(m.pdb.Spec.Selector)
	if err != nil {
		t.Fatalf("pdb selector: %v", err)
	}
	minAvailable := "<unset>"
	if m.pdb.Spec.MinAvailable != nil {
		minAvailable = m.pdb.Spec.MinAvailable.String()
	}
	minReplicas := int32(1)
	if m.hpa.Spec.MinReplicas != nil {
		minReplicas = *m.hpa.Spec.MinReplicas
	}
	var cpuTarget int32
	for _, mt := range m.hpa.Spec.Metrics {
		if mt.Resource != nil && mt.Resource.Name == corev1.ResourceCPU && mt.Resource.Target.AverageUtilization != nil {
			cpuTarget = *mt.Resource.Target.AverageUtilization
		}
	}
	ref := m.hpa.Spec.ScaleTargetRef
	runChecks(t, []check{
		{"pdb selector non-empty", !pdbSelector.Empty(), true},
		{"pdb selects the Deployment's pods", pdbSelector.Matches(labels.Set(d.Spec.Template.Labels)), true},
		{"pdb minAvailable", minAvailable, "1"},
		{"hpa scaleTargetRef", ref.APIVersion + " " + ref.Kind + " " + ref.Name, "apps/v1 Deployment " + d.Name},
		{"hpa minReplicas >= 2", minReplicas >= 2, true},
		{"hpa maxReplicas >= minReplicas", m.hpa.Spec.MaxReplicas >= minReplicas, true},
		{"hpa CPU utilization target", cpuTarget, int32(70)},
		{"deployment name", d.Name, appName},
	})
}
