/**
 * The part of murmur's Ice interface (Murmur.ice, module `Murmur`, murmur 1.3/1.4) the connector
 * uses, declared with Ice for JavaScript's Slice runtime the way `slice2js` output does: only the
 * structs, dictionaries, exceptions and operations below are marshalled. The operation tables
 * (mode, return type, parameter types, declared exceptions) are those of `slice2js Murmur.ice`
 * (`npx slice2js@3.7.110 /usr/share/slice/Murmur.ice`, Ice 3.7) for the same operations; extending
 * this file means copying further rows from there.
 * Wire types: 1 bool, 3 int, 7 string.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- the Slice runtime is not in ice's type declarations */

/** Declares the subset on Ice's module registry (once per process). */
function define(Ice: any) {
  const Slice = Ice.Slice;
  const Murmur: any = Ice._ModuleRegistry.module("Murmur");
  if (Murmur.MetaPrx) return Murmur;

  Slice.defineSequence(Murmur, "IntListHelper", "Ice.IntHelper", true);

  Murmur.Group = class {
    constructor(
      public name = "",
      public inherited = false,
      public inherit = false,
      public inheritable = false,
      public add: number[] | null = null,
      public remove: number[] | null = null,
      public members: number[] | null = null,
    ) {}
    _write(o: any) {
      o.writeString(this.name);
      o.writeBool(this.inherited);
      o.writeBool(this.inherit);
      o.writeBool(this.inheritable);
      Murmur.IntListHelper.write(o, this.add);
      Murmur.IntListHelper.write(o, this.remove);
      Murmur.IntListHelper.write(o, this.members);
    }
    _read(i: any) {
      this.name = i.readString();
      this.inherited = i.readBool();
      this.inherit = i.readBool();
      this.inheritable = i.readBool();
      this.add = Murmur.IntListHelper.read(i);
      this.remove = Murmur.IntListHelper.read(i);
      this.members = Murmur.IntListHelper.read(i);
    }
    static get minWireSize() {
      return 7;
    }
  };
  Slice.defineStruct(Murmur.Group, true, true);

  Murmur.ACL = class {
    constructor(
      public applyHere = false,
      public applySubs = false,
      public inherited = false,
      public userid = 0,
      public group = "",
      public allow = 0,
      public deny = 0,
    ) {}
    _write(o: any) {
      o.writeBool(this.applyHere);
      o.writeBool(this.applySubs);
      o.writeBool(this.inherited);
      o.writeInt(this.userid);
      o.writeString(this.group);
      o.writeInt(this.allow);
      o.writeInt(this.deny);
    }
    _read(i: any) {
      this.applyHere = i.readBool();
      this.applySubs = i.readBool();
      this.inherited = i.readBool();
      this.userid = i.readInt();
      this.group = i.readString();
      this.allow = i.readInt();
      this.deny = i.readInt();
    }
    static get minWireSize() {
      return 16;
    }
  };
  Slice.defineStruct(Murmur.ACL, true, true);

  Murmur.UserInfo = Slice.defineEnum([
    ["UserName", 0],
    ["UserEmail", 1],
    ["UserComment", 2],
    ["UserHash", 3],
    ["UserPassword", 4],
    ["UserLastActive", 5],
    ["UserKDFIterations", 6],
  ]);
  Slice.defineSequence(Murmur, "GroupListHelper", "Murmur.Group", false);
  Slice.defineSequence(Murmur, "ACLListHelper", "Murmur.ACL", false);
  Slice.defineDictionary(Murmur, "NameMap", "NameMapHelper", "Ice.IntHelper", "Ice.StringHelper", false, undefined, undefined);
  Slice.defineDictionary(Murmur, "UserInfoMap", "UserInfoMapHelper", "Murmur.UserInfo._helper", "Ice.StringHelper", false, undefined, undefined);

  const exception = (name: string, parent: unknown) => {
    const type = class extends (parent as typeof Error) {
      static get _parent() {
        return parent;
      }
      static get _id() {
        return `::Murmur::${name}`;
      }
      _mostDerivedType() {
        return type;
      }
    };
    Object.defineProperty(type, "name", { value: name });
    Murmur[name] = type;
  };
  exception("MurmurException", Ice.UserException);
  for (const name of ["InvalidSessionException", "InvalidChannelException", "ServerBootedException", "InvalidUserException", "InvalidSecretException", "NestingLimitException"]) {
    exception(name, Murmur.MurmurException);
  }
  const { InvalidSecretException: secret, ServerBootedException: booted, InvalidUserException: user, InvalidChannelException: channel, InvalidSessionException: session, NestingLimitException: nesting } = Murmur;

  Murmur.Server = class extends Ice.Object {};
  Murmur.ServerPrx = class extends Ice.ObjectPrx {};
  Slice.defineOperations(Murmur.Server, Murmur.ServerPrx, ["::Ice::Object", "::Murmur::Server"], 1, {
    isRunning: [, 2, 2, , [1], , , [secret], , ],
    id: [, 2, 2, , [3], , , [secret], , ],
    kickUser: [, , , , , [[3], [7]], , [secret, session, booted], , ],
    hasPermission: [, , , , [1], [[3], [3], [3]], , [channel, secret, session, booted], , ],
    addChannel: [, , , , [3], [[7], [3]], , [channel, secret, nesting, booted], , ],
    getACL: [, 2, 2, , , [[3]], [["Murmur.ACLListHelper"], ["Murmur.GroupListHelper"], [1]], [channel, secret, booted], , ],
    setACL: [, 2, 2, , , [[3], ["Murmur.ACLListHelper"], ["Murmur.GroupListHelper"], [1]], , [channel, secret, booted], , ],
    registerUser: [, , , , [3], [["Murmur.UserInfoMapHelper"]], , [secret, user, booted], , ],
    unregisterUser: [, , , , , [[3]], , [secret, user, booted], , ],
    updateRegistration: [, 2, 2, , , [[3], ["Murmur.UserInfoMapHelper"]], , [secret, user, booted], , ],
    getRegistration: [, 2, 2, , ["Murmur.UserInfoMapHelper"], [[3]], , [secret, user, booted], , ],
    getRegisteredUsers: [, 2, 2, , ["Murmur.NameMapHelper"], [[7]], , [secret, booted], , ],
    verifyPassword: [, 2, 2, , [3], [[7], [7]], , [secret, booted], , ],
  });

  Murmur.Meta = class extends Ice.Object {};
  Murmur.MetaPrx = class extends Ice.ObjectPrx {};
  Slice.defineOperations(Murmur.Meta, Murmur.MetaPrx, ["::Ice::Object", "::Murmur::Meta"], 1, {
    getServer: [, 2, 2, , ["Murmur.ServerPrx"], [[3]], , [secret], , ],
    getVersion: [, 2, 2, , , , [[3], [3], [3], [7]], , , ],
  });
  return Murmur;
}

/** murmur's registration fields (Murmur.UserInfo). */
export type UserInfoField = "UserName" | "UserEmail" | "UserComment" | "UserHash" | "UserPassword" | "UserLastActive";

export interface MurmurAcl {
  applyHere: boolean;
  applySubs: boolean;
  inherited: boolean;
  userid: number;
  group: string;
  allow: number;
  deny: number;
}

export interface MurmurGroup {
  name: string;
  inherited: boolean;
  inherit: boolean;
  inheritable: boolean;
  add: number[] | null;
  remove: number[] | null;
  members: number[] | null;
}

type Ctx = Map<string, string>;

/** The operations of `Murmur::Server` declared above (every call carries the secret in its context). */
export interface MurmurServer {
  id(ctx?: Ctx): Promise<number>;
  isRunning(ctx?: Ctx): Promise<boolean>;
  kickUser(session: number, reason: string, ctx?: Ctx): Promise<void>;
  hasPermission(session: number, channelId: number, perm: number, ctx?: Ctx): Promise<boolean>;
  addChannel(name: string, parent: number, ctx?: Ctx): Promise<number>;
  getACL(channelId: number, ctx?: Ctx): Promise<[MurmurAcl[], MurmurGroup[], boolean]>;
  setACL(channelId: number, acls: MurmurAcl[], groups: MurmurGroup[], inherit: boolean, ctx?: Ctx): Promise<void>;
  registerUser(info: Map<unknown, string>, ctx?: Ctx): Promise<number>;
  unregisterUser(userId: number, ctx?: Ctx): Promise<void>;
  updateRegistration(userId: number, info: Map<unknown, string>, ctx?: Ctx): Promise<void>;
  getRegistration(userId: number, ctx?: Ctx): Promise<Map<unknown, string>>;
  getRegisteredUsers(filter: string, ctx?: Ctx): Promise<Map<number, string>>;
  verifyPassword(name: string, password: string, ctx?: Ctx): Promise<number>;
}

export interface MurmurMeta {
  getServer(id: number, ctx?: Ctx): Promise<MurmurServer | null>;
  getVersion(ctx?: Ctx): Promise<[number, number, number, string]>;
}

export interface MurmurSlice {
  Ice: any;
  metaProxy(communicator: any, endpoint: string): MurmurMeta;
  userInfo: Record<UserInfoField, unknown>;
  newGroup(name: string, members: number[]): MurmurGroup;
  newAcl(fields: Partial<MurmurAcl>): MurmurAcl;
  /** Is `error` the murmur exception `name`? */
  isException(error: unknown, name: "InvalidUserException" | "InvalidSecretException" | "ServerBootedException" | "InvalidChannelException"): boolean;
}

let loaded: Promise<MurmurSlice> | undefined;

/**
 * Loads Ice for JavaScript on first use. Its WebSocket transport reads `navigator.userAgent` when a
 * global WebSocket exists; Node 21+ has both, Node 20 may have WebSocket (undici) without navigator,
 * so Node 21's minimal navigator is provided there before ice loads.
 */
export function murmurSlice(): Promise<MurmurSlice> {
  loaded ??= (async () => {
    if (typeof (globalThis as any).navigator === "undefined") Object.defineProperty(globalThis, "navigator", { value: { userAgent: `Node.js/${process.versions.node.split(".")[0]}` }, configurable: true, writable: true });
    const pkg: any = await import("ice");
    const Ice = (pkg.Ice ?? pkg.default?.Ice) as any;
    const Murmur = define(Ice);
    return {
      Ice,
      metaProxy: (communicator, endpoint) => Murmur.MetaPrx.uncheckedCast(communicator.stringToProxy(endpoint)),
      userInfo: Murmur.UserInfo,
      newGroup: (name, members) => new Murmur.Group(name, false, true, true, [...members], [], []),
      newAcl: (fields) => Object.assign(new Murmur.ACL(), fields),
      isException: (error, name) => error instanceof Murmur[name],
    };
  })();
  return loaded;
}
