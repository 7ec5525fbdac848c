// Interaction objects as Discord sends them to a bot (INTERACTION_CREATE's data, or the body of a
// signed POST to an interactions endpoint): slash commands with typed options and `resolved`,
// button and select presses carrying their message, and modal submissions whose `data.components`
// mirror the modal the bot opened (Label components, or legacy action rows).
import { randomBytes } from 'node:crypto';
import {
  type APIApplicationCommandOption,
  type APIMessage,
  ComponentType,
  InteractionType,
  ApplicationCommandOptionType as Opt,
} from 'discord-api-types/v10';
import { clone } from './fake-shapes.ts';
import type { Store } from './fake-store.ts';

export interface SlashCommandInput {
  userId: string;
  channelId: string;
  name: string;
  subcommand?: string;
  options?: Record<string, string | number | boolean>;
}

export interface ButtonInput {
  userId: string;
  channelId: string;
  messageId: string;
  customId: string;
}

export interface SelectInput extends ButtonInput {
  values: string[];
}

export interface ModalInput {
  userId: string;
  channelId: string;
  customId: string;
  /** Text inputs' values by custom_id; a select's values as an array. */
  values: Record<string, string | string[]>;
  /** The message whose component opened the modal, when it was one. */
  messageId?: string;
}

/** A message command (right-click a message → Apps → name). */
export interface MessageCommandInput {
  userId: string;
  channelId: string;
  name: string;
  messageId: string;
}

export type InteractionKind =
  | ['slash', SlashCommandInput]
  | ['message', MessageCommandInput]
  | ['button', ButtonInput]
  | ['select', SelectInput]
  | ['modal', ModalInput];

/** All permissions: the fake's bot and people may do anything (Discord's bitfield as a string). */
const ALL_PERMISSIONS = '2251799813685247';

/** A token shaped like Discord's interaction tokens (long, URL-safe). */
export const interactionToken = (id: string): string =>
  Buffer.from(`interaction:${id}:${randomBytes(48).toString('base64url')}`).toString('base64url');

export class InteractionPayloads {
  /** Modals the bot opened, by custom_id (the latest wins), to shape their submissions. */
  readonly modals = new Map<string, Record<string, any>>();

  constructor(
    private readonly store: Store,
    private readonly findMessage: (channelId: string, messageId: string) => APIMessage,
  ) {}

  build(kind: InteractionKind): Record<string, any> {
    switch (kind[0]) {
      case 'slash':
        return this.slash(kind[1]);
      case 'message':
        return this.messageCommand(kind[1]);
      case 'button':
        return this.component(kind[1], { custom_id: kind[1].customId, component_type: ComponentType.Button });
      case 'select':
        return this.component(kind[1], {
          custom_id: kind[1].customId,
          component_type: ComponentType.StringSelect,
          values: [...kind[1].values],
        });
      case 'modal':
        return this.modal(kind[1]);
    }
  }

  private base(type: InteractionType, userId: string, channelId: string, data: unknown) {
    const id = this.store.ids.next();
    const { store } = this;
    return {
      id,
      application_id: store.applicationId,
      type,
      data,
      guild_id: store.guildId,
      guild: { id: store.guildId, locale: 'en-US', features: [] },
      channel: clone(store.channel(channelId)),
      channel_id: channelId,
      member: { ...store.member(userId), permissions: ALL_PERMISSIONS },
      token: interactionToken(id),
      version: 1,
      app_permissions: ALL_PERMISSIONS,
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': store.guildId },
      context: 0,
      attachment_size_limit: 10_485_760,
    };
  }

  /** type 2 with data.type 3: the target message in `resolved.messages`, as Discord sends it. */
  private messageCommand(input: MessageCommandInput): Record<string, any> {
    const command = [...this.store.commands.values()]
      .flat()
      .find((c) => c.name === input.name && c.type === 3);
    const message = this.findMessage(input.channelId, input.messageId);
    return this.base(InteractionType.ApplicationCommand, input.userId, input.channelId, {
      id: command?.id ?? this.store.ids.next(),
      name: input.name,
      type: 3,
      target_id: message.id,
      resolved: { messages: { [message.id]: clone(message) } },
    });
  }

  private slash(input: SlashCommandInput): Record<string, any> {
    const command = [...this.store.commands.values()].flat().find((c) => c.name === input.name);
    const declared = (command?.options ?? []) as APIApplicationCommandOption[];
    const resolved: Record<string, Record<string, unknown>> = {};
    let options: Record<string, unknown>[];
    if (input.subcommand) {
      const sub = declared.find((o) => o.type === Opt.Subcommand && o.name === input.subcommand) as
        | { options?: APIApplicationCommandOption[] }
        | undefined;
      options = [
        {
          type: Opt.Subcommand,
          name: input.subcommand,
          options: this.options(input.options ?? {}, sub?.options ?? [], resolved),
        },
      ];
    } else {
      options = this.options(input.options ?? {}, declared, resolved);
    }
    const data = {
      id: command?.id ?? this.store.ids.next(),
      name: input.name,
      type: 1,
      ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
      options,
      ...(Object.keys(resolved).length ? { resolved } : {}),
    };
    return this.base(InteractionType.ApplicationCommand, input.userId, input.channelId, data);
  }

  /** Typed as the registered command declares, else guessed from the value (a known user → USER...). */
  private options(
    values: Record<string, string | number | boolean>,
    declared: APIApplicationCommandOption[],
    resolved: Record<string, Record<string, unknown>>,
  ): Record<string, unknown>[] {
    return Object.entries(values).map(([name, value]) => {
      const type = declared.find((o) => o.name === name)?.type ?? this.guessType(value);
      const v = type === Opt.Integer || type === Opt.Number ? Number(value) : value;
      this.resolve(type, String(value), resolved);
      return { name, type, value: v };
    });
  }

  private guessType(value: string | number | boolean): Opt {
    if (typeof value === 'boolean') return Opt.Boolean;
    if (typeof value === 'number') return Number.isInteger(value) ? Opt.Integer : Opt.Number;
    if (this.store.users.has(value)) return Opt.User;
    if (this.store.roles.has(value)) return Opt.Role;
    if (this.store.channels.has(value)) return Opt.Channel;
    return Opt.String;
  }

  private resolve(type: Opt, id: string, resolved: Record<string, Record<string, unknown>>): void {
    const { store } = this;
    const bucket = (key: string): Record<string, unknown> => {
      resolved[key] ??= {};
      return resolved[key];
    };
    if ((type === Opt.User || type === Opt.Mentionable) && store.users.has(id)) {
      bucket('users')[id] = clone(store.users.get(id));
      const member = store.partialMember(id);
      if (member) bucket('members')[id] = { ...member, permissions: ALL_PERMISSIONS };
    } else if ((type === Opt.Role || type === Opt.Mentionable) && store.roles.has(id)) {
      bucket('roles')[id] = clone(store.roles.get(id));
    } else if (type === Opt.Channel && store.channels.has(id)) {
      const c = store.channel(id);
      bucket('channels')[id] = {
        id,
        name: c.name,
        type: c.type,
        permissions: ALL_PERMISSIONS,
        ...('parent_id' in c ? { parent_id: c.parent_id } : {}),
        ...('thread_metadata' in c ? { thread_metadata: c.thread_metadata } : {}),
      };
    }
  }

  private component(input: ButtonInput, data: Record<string, unknown>): Record<string, any> {
    const message = clone(this.findMessage(input.channelId, input.messageId));
    return {
      ...this.base(InteractionType.MessageComponent, input.userId, input.channelId, data),
      message,
    };
  }

  private modal(input: ModalInput): Record<string, any> {
    const shown = this.modals.get(input.customId);
    const components = shown
      ? this.mirror(shown.components ?? [], input.values)
      : this.labelForm(input.values);
    const payload: Record<string, any> = this.base(
      InteractionType.ModalSubmit,
      input.userId,
      input.channelId,
      {
        custom_id: input.customId,
        components,
      },
    );
    if (input.messageId) payload.message = clone(this.findMessage(input.channelId, input.messageId));
    return payload;
  }

  /** Without a recorded modal: each value in a Label, a text input for strings, a select for arrays. */
  private labelForm(values: Record<string, string | string[]>): Record<string, unknown>[] {
    let id = 0;
    return Object.entries(values).map(([customId, value]) => ({
      type: ComponentType.Label,
      id: ++id,
      component: Array.isArray(value)
        ? { type: ComponentType.StringSelect, id: ++id, custom_id: customId, values: [...value] }
        : { type: ComponentType.TextInput, id: ++id, custom_id: customId, value },
    }));
  }

  /** The submission of a shown modal: same layout, numbered as Discord numbers components. */
  private mirror(shown: Record<string, any>[], values: Record<string, string | string[]>) {
    let id = 0;
    const field = (c: Record<string, any>): Record<string, unknown> => {
      const cid = typeof c.id === 'number' ? c.id : ++id;
      const value = values[c.custom_id];
      if (c.type === ComponentType.TextInput)
        return {
          type: c.type,
          id: cid,
          custom_id: c.custom_id,
          value: typeof value === 'string' ? value : '',
        };
      if (c.type === ComponentType.TextDisplay) return { type: c.type, id: cid };
      // Selects of every kind (and file uploads) submit `values`.
      const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
      return { type: c.type, id: cid, custom_id: c.custom_id, values: [...list] };
    };
    return shown.map((top) => {
      const cid = typeof top.id === 'number' ? top.id : ++id;
      if (top.type === ComponentType.Label)
        return { type: top.type, id: cid, component: field(top.component ?? {}) };
      if (top.type === ComponentType.ActionRow)
        return { type: top.type, id: cid, components: (top.components ?? []).map(field) };
      return field({ ...top, id: cid });
    });
  }
}
