// Each source's reader, by the name relevo.yaml and the endpoint use (/hooks/<source>).
import type { AlertSource } from '../../core/alerts/batch.ts';
import type { SourceReader } from '../read.ts';
import { readAlertmanager } from './alertmanager.ts';
import { readGeneric } from './generic.ts';
import { readGrafana } from './grafana.ts';
import { readUptimeKuma } from './uptime-kuma.ts';
import { readZabbix } from './zabbix.ts';

export const readers: Record<AlertSource, SourceReader> = {
  alertmanager: readAlertmanager,
  grafana: readGrafana,
  'uptime-kuma': readUptimeKuma,
  zabbix: readZabbix,
  generic: readGeneric,
};
