{{/* The name every object starts with. */}}
{{- define "etjanst.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "etjanst.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "etjanst.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "etjanst.secretName" -}}
{{ .Values.secrets.existingSecret | default (printf "%s-env" (include "etjanst.fullname" .)) }}
{{- end -}}

{{- define "etjanst.bankidSecretName" -}}
{{ .Values.bankid.existingSecret | default (printf "%s-bankid" (include "etjanst.fullname" .)) }}
{{- end -}}

{{/* Environment, volumes and mounts shared by web, worker, migrate and daily. */}}
{{- define "etjanst.envFrom" -}}
- configMapRef:
    name: {{ include "etjanst.fullname" . }}-env
- secretRef:
    name: {{ include "etjanst.secretName" . }}
{{- end -}}

{{- define "etjanst.volumes" -}}
- name: tmp
  emptyDir: {}
- name: var
  emptyDir: {}
- name: bankid
  secret:
    secretName: {{ include "etjanst.bankidSecretName" . }}
    optional: true
{{- end -}}

{{- define "etjanst.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: var
  mountPath: /var/lib/etjanst
- name: bankid
  mountPath: /etc/etjanst/bankid
  readOnly: true
{{- end -}}
