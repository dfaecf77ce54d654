#!/usr/bin/env python3
"""sharesim conformance adapter for moto (https://github.com/getmoto/moto).

Speaks the sharesim conformance protocol (docs/PROTOCOL.md, version 1) on stdin/stdout and
answers each call by making the corresponding boto3 call against moto's in-process mock, as the
calling account (the `x-moto-account-id` header) in the calling Region.

What it declares (see adapters/moto/README.md for the reasons, from moto 5.2.5's support):
Organizations (InviteAccountToOrganization emulated, moto has no handshake), IAM, KMS, Service
Catalog portfolio/product CRUD and owner-side share bookkeeping, RAM create/update/delete/get of
shares without resources. Everything moto does not implement is left out of the capabilities,
and calls that reach an unimplemented corner of moto are answered `unsupported`.
"""

import json
import sys
import traceback

import boto3
import botocore.session
from botocore.exceptions import ClientError
from moto import mock_aws
import moto.organizations.utils as org_utils
from moto.organizations.models import organizations_backends

PROTOCOL = 1

SUPPORTED = [
    # Organizations
    "CreateOrganization", "InviteAccountToOrganization", "CreateOrganizationalUnit",
    "DeleteOrganizationalUnit", "MoveAccount", "RemoveAccountFromOrganization",
    "DeleteOrganization", "EnableAWSServiceAccess", "DisableAWSServiceAccess",
    "RegisterDelegatedAdministrator", "DeregisterDelegatedAdministrator",
    # IAM
    "CreateRole", "DeleteRole", "CreateUser", "DeleteUser", "CreateGroup", "DeleteGroup",
    "AddUserToGroup", "RemoveUserFromGroup",
    # KMS
    "CreateKey", "PutKeyPolicy", "DisableKey", "EnableKey", "ScheduleKeyDeletion",
    "CancelKeyDeletion",
    # Service Catalog (owner side)
    "CreatePortfolio", "DeletePortfolio", "CreateProduct", "DeleteProduct",
    "CreatePortfolioShare", "DeletePortfolioShare", "DescribePortfolioShares",
    "ListPortfolios", "ListPortfolioAccess",
    # RAM (owner side, principals only)
    "EnableSharingWithAwsOrganization", "CreateResourceShare", "UpdateResourceShare",
    "DeleteResourceShare", "GetResourceShares", "GetResourceShareAssociations",
]

OBSERVE = [
    "accounts.*.id",
    "accounts.*.organization",
    "accounts.*.iam",
    "accounts.*.regions.*.kms_keys",
    "organizations.*.id",
    "organizations.*.management",
    "organizations.*.feature_set",
    "organizations.*.ous",
    "organizations.*.accounts",
    "organizations.*.trusted_services",
]

SERVICE_PRINCIPALS = {
    "ServiceCatalog": "servicecatalog.amazonaws.com",
    "Ram": "ram.amazonaws.com",
    "ImageBuilder": "imagebuilder.amazonaws.com",
}


class Unsupported(Exception):
    """The call cannot be expressed against moto: the run is not applicable from here."""


class Rejected(Exception):
    """The adapter rejects the call itself with an AWS exception name."""

    def __init__(self, exception, message=""):
        super().__init__(message)
        self.exception = exception


def split_op(op):
    if isinstance(op, str):
        return op, {}
    (kind, params), = op.items()
    return kind, params or {}


class World:
    """One reset's worth of state: moto's mock and the symbolic names bound to moto's ids."""

    def __init__(self, spec):
        self.accounts = {
            name: f"{100_000_000_000 + i + 1:012d}" for i, name in enumerate(spec["accounts"])
        }
        self.names = {v: k for k, v in self.accounts.items()}
        self.regions = list(spec["regions"])
        self.orgs = {}          # org name -> {"id", "arn", "management", "root"}
        self.ous = {}           # (org name, ou name) -> (id, arn)
        self.portfolios = {}    # (region, name) -> (owner account name, id)
        self.products = {}      # (region, name) -> (owner account name, id)
        self.keys = {}          # (account name, region, key name) -> key id
        self.shares = {}        # (region, name) -> (owner account name, arn)
        self.handshakes = 0

    def client(self, service, account, region):
        return client(service, self.accounts[account], region)

    def org_of(self, account):
        for name, org in self.orgs.items():
            if account == org["management"] or account in org["members"]:
                return name
        return None


# Clients outlive resets (moto's interception is global), keyed by account id: creating one is
# the slowest thing the adapter does.
CLIENTS = {}
# The service of the last client handed out, to name its errors.
LAST_SERVICE = ["organizations"]


def client(service, account_id, region):
    LAST_SERVICE[0] = service
    key = (service, account_id, region)
    if key not in CLIENTS:
        c = boto3.client(
            service,
            region_name=region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        c.meta.events.register(
            "before-sign.*.*",
            lambda request, **kw: request.headers.__setitem__("x-moto-account-id", account_id),
        )
        CLIENTS[key] = c
    return CLIENTS[key]


ERROR_NAMES = {}


def exception_name(service, code):
    """The botocore model's exception shape name for a wire error code (IAM answers
    `EntityAlreadyExists` for the shape `EntityAlreadyExistsException`); the protocol compares
    shape names."""
    if service not in ERROR_NAMES:
        model = botocore.session.get_session().get_service_model(service)
        names = {}
        for shape in model.error_shapes:
            wire = shape.metadata.get("error", {}).get("code", shape.name)
            names[wire] = shape.name
        ERROR_NAMES[service] = names
    return ERROR_NAMES[service].get(code, code)


# ---------------------------------------------------------------------------------------------
# Organizations
# ---------------------------------------------------------------------------------------------


def org_client(w, ctx):
    return w.client("organizations", ctx["account"], "us-east-1")


def parent_id(w, ctx, parent):
    org = w.org_of(ctx["account"])
    if org is None:
        return "r-none"
    if parent == "Root":
        return w.orgs[org]["root"]
    name = parent["Ou"]
    return w.ous.get((org, name), ("ou-none-00000000", ""))[0]


def created(i, arn):
    return {"Created": {"id": i, "arn": arn}}


def create_organization(w, ctx, p):
    fs = p.get("feature_set") or "ALL"
    o = org_client(w, ctx).create_organization(FeatureSet=fs)["Organization"]
    root = org_client(w, ctx).list_roots()["Roots"][0]["Id"]
    w.orgs[p["organization"]] = {
        "id": o["Id"], "arn": o["Arn"], "management": ctx["account"], "root": root,
        "members": set(),
    }
    return created(o["Id"], o["Arn"])


def invite_account(w, ctx, p):
    # moto 5.2.5 has no InviteAccountToOrganization: the adapter emulates the collapsed
    # invite-and-accept with CreateAccount, making moto's account id generator return the
    # invited account's id, then deletes the role CreateAccount adds (an invited account has
    # none).
    target = p["account"]
    if target not in w.accounts:
        raise Unsupported(f"invitation of an account outside the world ({target})")
    if w.org_of(target) is not None:
        raise Unsupported("moto cannot invite an account that is already in an organization")
    original = org_utils.make_random_account_id
    org_utils.make_random_account_id = lambda: w.accounts[target]
    try:
        org_client(w, ctx).create_account(AccountName=target, Email=f"{target}@example.com")
    finally:
        org_utils.make_random_account_id = original
    w.client("iam", target, "us-east-1").delete_role(RoleName="OrganizationAccountAccessRole")
    org = w.org_of(ctx["account"])
    w.orgs[org]["members"].add(target)
    w.handshakes += 1
    hid = f"h-{w.handshakes:010d}"
    return created(hid, f"arn:aws:organizations::{w.accounts[ctx['account']]}:handshake/{w.orgs[org]['id']}/invite/{hid}")


def create_ou(w, ctx, p):
    ou = org_client(w, ctx).create_organizational_unit(
        ParentId=parent_id(w, ctx, p["parent"]), Name=p["ou"]
    )["OrganizationalUnit"]
    org = w.org_of(ctx["account"])
    w.ous[(org, p["ou"])] = (ou["Id"], ou["Arn"])
    return created(ou["Id"], ou["Arn"])


def delete_ou(w, ctx, p):
    org_client(w, ctx).delete_organizational_unit(
        OrganizationalUnitId=parent_id(w, ctx, {"Ou": p["ou"]})
    )
    org = w.org_of(ctx["account"])
    w.ous.pop((org, p["ou"]), None)
    return "Empty"


def move_account(w, ctx, p):
    org_client(w, ctx).move_account(
        AccountId=w.accounts.get(p["account"], "000000000000"),
        SourceParentId=parent_id(w, ctx, p["source"]),
        DestinationParentId=parent_id(w, ctx, p["destination"]),
    )
    return "Empty"


def remove_account(w, ctx, p):
    org_client(w, ctx).remove_account_from_organization(
        AccountId=w.accounts.get(p["account"], "000000000000")
    )
    for org in w.orgs.values():
        org["members"].discard(p["account"])
    return "Empty"


def delete_organization(w, ctx, p):
    org_client(w, ctx).delete_organization()
    for name, org in list(w.orgs.items()):
        if org["management"] == ctx["account"]:
            del w.orgs[name]
    return "Empty"


def service_access(enable):
    def handler(w, ctx, p):
        c = org_client(w, ctx)
        principal = SERVICE_PRINCIPALS[p["service"]]
        if enable:
            c.enable_aws_service_access(ServicePrincipal=principal)
        else:
            c.disable_aws_service_access(ServicePrincipal=principal)
        return "Empty"
    return handler


def delegated_admin(register):
    def handler(w, ctx, p):
        c = org_client(w, ctx)
        args = dict(
            AccountId=w.accounts.get(p["account"], "000000000000"),
            ServicePrincipal=SERVICE_PRINCIPALS[p["service"]],
        )
        if register:
            c.register_delegated_administrator(**args)
        else:
            c.deregister_delegated_administrator(**args)
        return "Empty"
    return handler


# ---------------------------------------------------------------------------------------------
# IAM
# ---------------------------------------------------------------------------------------------


TRUST = json.dumps({"Version": "2012-10-17", "Statement": []})


def iam(w, ctx):
    return w.client("iam", ctx["account"], "us-east-1")


def create_role(w, ctx, p):
    r = iam(w, ctx).create_role(RoleName=p["role"], AssumeRolePolicyDocument=TRUST)["Role"]
    return created(r["RoleName"], r["Arn"])


def create_user(w, ctx, p):
    u = iam(w, ctx).create_user(UserName=p["user"])["User"]
    return created(u["UserName"], u["Arn"])


def create_group(w, ctx, p):
    g = iam(w, ctx).create_group(GroupName=p["group"])["Group"]
    return created(g["GroupName"], g["Arn"])


def simple(fn):
    def handler(w, ctx, p):
        fn(w, ctx, p)
        return "Empty"
    return handler


# ---------------------------------------------------------------------------------------------
# KMS
# ---------------------------------------------------------------------------------------------


def kms(w, ctx):
    return w.client("kms", ctx["account"], ctx["region"])


def key_id(w, ctx, p):
    owner = p.get("account") or ctx["account"]
    kid = w.keys.get((owner, ctx["region"], p["key"]))
    if kid is None:
        return f"alias/{p['key']}"
    if owner != ctx["account"]:
        return f"arn:aws:kms:{ctx['region']}:{w.accounts.get(owner, '000000000000')}:key/{kid}"
    return kid


def create_key(w, ctx, p):
    c = kms(w, ctx)
    alias = f"alias/{p['key']}"
    k = c.create_key()["KeyMetadata"]
    c.create_alias(AliasName=alias, TargetKeyId=k["KeyId"])
    w.keys[(ctx["account"], ctx["region"], p["key"])] = k["KeyId"]
    return created(k["KeyId"], k["Arn"])


def key_policy(w, ctx, grantees):
    owner = w.accounts[ctx["account"]]
    statements = [{
        "Sid": "Owner", "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{owner}:root"}, "Action": "kms:*", "Resource": "*",
    }]
    for g in grantees:
        (kind, name), = g.items()
        if kind == "Account":
            principal = {"AWS": f"arn:aws:iam::{w.accounts.get(name, '000000000000')}:root"}
            condition = None
        elif kind == "Organization":
            principal = {"AWS": "*"}
            condition = {"StringEquals": {"aws:PrincipalOrgID": w.orgs.get(name, {}).get("id", "o-none")}}
        else:
            principal = {"AWS": "*"}
            org = w.org_of(ctx["account"])
            ou = w.ous.get((org, name), ("ou-none", ""))[0]
            condition = {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [f"*/{ou}/*"]}}
        statement = {"Sid": f"{kind}:{name}", "Effect": "Allow", "Principal": principal,
                     "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"}
        if condition:
            statement["Condition"] = condition
        statements.append(statement)
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def put_key_policy(w, ctx, p):
    kms(w, ctx).put_key_policy(
        KeyId=key_id(w, ctx, p), PolicyName="default",
        Policy=key_policy(w, ctx, p.get("grantees", [])),
    )
    return "Empty"


def key_call(method, **extra):
    def handler(w, ctx, p):
        args = dict(KeyId=key_id(w, ctx, p))
        if method == "schedule_key_deletion":
            args["PendingWindowInDays"] = p.get("pending_window_in_days") or 30
        getattr(kms(w, ctx), method)(**args)
        return "Empty"
    return handler


# ---------------------------------------------------------------------------------------------
# Service Catalog
# ---------------------------------------------------------------------------------------------


def sc(w, ctx):
    return w.client("servicecatalog", ctx["account"], ctx["region"])


def lookup(table, w, ctx, name, missing):
    """An entity's id by name: the caller's own, else anyone's (a name is unique per kind in
    a scenario), else a well-formed id that does not exist."""
    entry = table.get((ctx["region"], name))
    return entry[1] if entry else missing


def create_portfolio(w, ctx, p):
    d = sc(w, ctx).create_portfolio(
        DisplayName=p.get("display_name") or p["portfolio"],
        ProviderName=p.get("provider_name") or "sharesim",
        IdempotencyToken=f"{ctx['account']}/{p['portfolio']}",
    )["PortfolioDetail"]
    w.portfolios[(ctx["region"], p["portfolio"])] = (ctx["account"], d["Id"])
    return created(d["Id"], d["ARN"])


def portfolio_id(w, ctx, name):
    return lookup(w.portfolios, w, ctx, name, "port-0000000000000")


def delete_portfolio(w, ctx, p):
    sc(w, ctx).delete_portfolio(Id=portfolio_id(w, ctx, p["portfolio"]))
    entry = w.portfolios.get((ctx["region"], p["portfolio"]))
    if entry and entry[0] == ctx["account"]:
        del w.portfolios[(ctx["region"], p["portfolio"])]
    return "Empty"


def create_product(w, ctx, p):
    d = sc(w, ctx).create_product(
        Name=p["product"], Owner=ctx["account"], ProductType="CLOUD_FORMATION_TEMPLATE",
        ProvisioningArtifactParameters={
            "Name": p["version"], "Type": "CLOUD_FORMATION_TEMPLATE",
            "Info": {"LoadTemplateFromURL": "https://example.com/template.json"},
        },
        IdempotencyToken=f"{ctx['account']}/{p['product']}",
    )
    pid = d["ProductViewDetail"]["ProductViewSummary"]["ProductId"]
    w.products[(ctx["region"], p["product"])] = (ctx["account"], pid)
    return created(pid, d["ProductViewDetail"]["ProductARN"])


def delete_product(w, ctx, p):
    sc(w, ctx).delete_product(Id=lookup(w.products, w, ctx, p["product"], "prod-0000000000000"))
    entry = w.products.get((ctx["region"], p["product"]))
    if entry and entry[0] == ctx["account"]:
        del w.products[(ctx["region"], p["product"])]
    return "Empty"


def share_target(w, ctx, target):
    (kind, name), = target.items()
    if kind == "Account":
        return {"AccountId": w.accounts.get(name, "000000000000")}, False
    if kind == "Organization":
        value = w.orgs.get(name, {}).get("id", "o-0000000000")
        return {"OrganizationNode": {"Type": "ORGANIZATION", "Value": value}}, True
    if kind == "OrganizationalUnit":
        org = w.org_of(ctx["account"])
        value = w.ous.get((org, name), ("ou-0000-00000000", ""))[0]
        return {"OrganizationNode": {"Type": "ORGANIZATIONAL_UNIT", "Value": value}}, True
    value = w.accounts.get(name, "000000000000")
    return {"OrganizationNode": {"Type": "ACCOUNT", "Value": value}}, True


def create_portfolio_share(w, ctx, p):
    args, node = share_target(w, ctx, p["target"])
    r = sc(w, ctx).create_portfolio_share(
        PortfolioId=portfolio_id(w, ctx, p["portfolio"]),
        ShareTagOptions=bool(p.get("share_tag_options")),
        SharePrincipals=bool(p.get("share_principals")),
        **args,
    )
    if node:
        return {"ShareToken": {"token": r.get("PortfolioShareToken", ""), "status": "COMPLETED"}}
    return "Empty"


def delete_portfolio_share(w, ctx, p):
    args, node = share_target(w, ctx, p["target"])
    r = sc(w, ctx).delete_portfolio_share(PortfolioId=portfolio_id(w, ctx, p["portfolio"]), **args)
    if node:
        return {"ShareToken": {"token": r.get("PortfolioShareToken", ""), "status": "COMPLETED"}}
    return "Empty"


SHARE_TYPES = {
    "ACCOUNT": "Account",
    "ORGANIZATION": "Organization",
    "ORGANIZATIONAL_UNIT": "OrganizationalUnit",
    "ORGANIZATION_MEMBER_ACCOUNT": "OrganizationMemberAccount",
}


def name_of_principal(w, kind, value):
    if kind in ("Account", "OrganizationMemberAccount"):
        return w.names.get(value, value)
    if kind == "Organization":
        return next((n for n, o in w.orgs.items() if o["id"] == value), value)
    return next((ou for (org, ou), (i, _) in w.ous.items() if i == value), value)


def describe_portfolio_shares(w, ctx, p):
    r = sc(w, ctx).describe_portfolio_shares(
        PortfolioId=portfolio_id(w, ctx, p["portfolio"]), Type=p["share_type"]
    )
    out = []
    for d in r.get("PortfolioShareDetails", []):
        kind = SHARE_TYPES.get(d["Type"], d["Type"])
        out.append({
            "target": {kind: name_of_principal(w, kind, d["PrincipalId"])},
            "accepted": d.get("Accepted", False),
            "share_tag_options": d.get("ShareTagOptions", False),
            "share_principals": d.get("SharePrincipals", False),
        })
    return {"PortfolioShares": out}


def list_portfolios(w, ctx, p):
    by_id = {i: (owner, name) for (region, name), (owner, i) in w.portfolios.items()
             if region == ctx["region"]}
    out = []
    for d in sc(w, ctx).list_portfolios().get("PortfolioDetails", []):
        owner, name = by_id.get(d["Id"], (ctx["account"], d["DisplayName"]))
        out.append({"name": name, "owner": owner, "id": d["Id"]})
    return {"Portfolios": out}


def list_portfolio_access(w, ctx, p):
    r = sc(w, ctx).list_portfolio_access(PortfolioId=portfolio_id(w, ctx, p["portfolio"]))
    return {"AccountIds": [w.names.get(a, a) for a in r.get("AccountIds", [])]}


# ---------------------------------------------------------------------------------------------
# RAM
# ---------------------------------------------------------------------------------------------


def ram(w, ctx):
    return w.client("ram", ctx["account"], ctx["region"])


def ram_principal(w, ctx, principal):
    (kind, value), = principal.items()
    if kind == "Account":
        return w.accounts.get(value, "000000000000")
    if kind == "Organization":
        return w.orgs.get(value, {}).get("arn", "arn:aws:organizations::000000000000:organization/o-0000000000")
    if kind == "OrganizationalUnit":
        org = w.org_of(ctx["account"])
        return w.ous.get((org, value), ("", "arn:aws:organizations::000000000000:ou/o-0000000000/ou-0000-00000000"))[1]
    if kind == "Role":
        return f"arn:aws:iam::{w.accounts.get(value['account'], '000000000000')}:role/{value['role']}"
    return f"arn:aws:iam::{w.accounts.get(value['account'], '000000000000')}:user/{value['user']}"


def render_entity(w, entity):
    """moto's associatedEntity rendered like the observation: account:<name>, org:<name>, ..."""
    if entity in w.names:
        return f"account:{w.names[entity]}"
    for name, org in w.orgs.items():
        if entity == org["arn"]:
            return f"org:{name}"
    for (org, ou), (i, arn) in w.ous.items():
        if entity == arn:
            return f"ou:{ou}"
    return entity


def create_resource_share(w, ctx, p):
    if p.get("resources"):
        raise Unsupported("moto has no Image Builder resources to share")
    if p.get("retain_sharing_on_account_leave_organization"):
        raise Unsupported("moto does not support retainSharingOnAccountLeaveOrganization")
    args = dict(name=p["share"], principals=[ram_principal(w, ctx, x) for x in p.get("principals", [])])
    if p.get("allow_external_principals") is not None:
        args["allowExternalPrincipals"] = p["allow_external_principals"]
    s = ram(w, ctx).create_resource_share(**args)["resourceShare"]
    arn = s["resourceShareArn"]
    w.shares[(ctx["region"], p["share"])] = (ctx["account"], arn)
    return created(arn.rsplit("/", 1)[-1], arn)


def share_arn(w, ctx, name):
    return lookup(w.shares, w, ctx, name,
                  f"arn:aws:ram:{ctx['region']}:{w.accounts[ctx['account']]}:resource-share/00000000-0000-0000-0000-000000000000")


def update_resource_share(w, ctx, p):
    args = dict(resourceShareArn=share_arn(w, ctx, p["share"]), name=p["share"])
    if p.get("allow_external_principals") is not None:
        args["allowExternalPrincipals"] = p["allow_external_principals"]
    ram(w, ctx).update_resource_share(**args)
    return "Empty"


def delete_resource_share(w, ctx, p):
    ram(w, ctx).delete_resource_share(resourceShareArn=share_arn(w, ctx, p["share"]))
    return "Empty"


def association_views(w, ctx, kind, arn):
    r = ram(w, ctx).get_resource_share_associations(associationType=kind, resourceShareArns=[arn])
    return [{"entity": render_entity(w, a["associatedEntity"]), "status": a["status"],
             "external": a.get("external", False)} for a in r.get("resourceShareAssociations", [])]


def get_resource_shares(w, ctx, p):
    if p["resource_owner"] != "SELF":
        raise Unsupported("moto does not implement GetResourceShares(OTHER-ACCOUNTS)")
    out = []
    for s in ram(w, ctx).get_resource_shares(resourceOwner="SELF").get("resourceShares", []):
        arn = s["resourceShareArn"]
        out.append({
            "name": s["name"], "arn": arn, "status": s["status"],
            "feature_set": s.get("featureSet", "STANDARD"),
            "allow_external_principals": s.get("allowExternalPrincipals", True),
            "retain_sharing_on_account_leave_organization": False,
            "resources": association_views(w, ctx, "RESOURCE", arn),
            "principals": association_views(w, ctx, "PRINCIPAL", arn),
        })
    return {"ResourceShares": out}


def get_resource_share_associations(w, ctx, p):
    names = {arn: name for (region, name), (owner, arn) in w.shares.items()}
    r = ram(w, ctx).get_resource_share_associations(associationType=p["association_type"])
    out = []
    for a in r.get("resourceShareAssociations", []):
        share = names.get(a["resourceShareArn"], a.get("resourceShareName", ""))
        out.append([share, {"entity": render_entity(w, a["associatedEntity"]),
                            "status": a["status"], "external": a.get("external", False)}])
    return {"Associations": out}


def enable_ram_org_sharing(w, ctx, p):
    ram(w, ctx).enable_sharing_with_aws_organization()
    return "Empty"


HANDLERS = {
    "CreateOrganization": create_organization,
    "InviteAccountToOrganization": invite_account,
    "CreateOrganizationalUnit": create_ou,
    "DeleteOrganizationalUnit": delete_ou,
    "MoveAccount": move_account,
    "RemoveAccountFromOrganization": remove_account,
    "DeleteOrganization": delete_organization,
    "EnableAWSServiceAccess": service_access(True),
    "DisableAWSServiceAccess": service_access(False),
    "RegisterDelegatedAdministrator": delegated_admin(True),
    "DeregisterDelegatedAdministrator": delegated_admin(False),
    "CreateRole": create_role,
    "DeleteRole": simple(lambda w, ctx, p: iam(w, ctx).delete_role(RoleName=p["role"])),
    "CreateUser": create_user,
    "DeleteUser": simple(lambda w, ctx, p: iam(w, ctx).delete_user(UserName=p["user"])),
    "CreateGroup": create_group,
    "DeleteGroup": simple(lambda w, ctx, p: iam(w, ctx).delete_group(GroupName=p["group"])),
    "AddUserToGroup": simple(lambda w, ctx, p: iam(w, ctx).add_user_to_group(GroupName=p["group"], UserName=p["user"])),
    "RemoveUserFromGroup": simple(lambda w, ctx, p: iam(w, ctx).remove_user_from_group(GroupName=p["group"], UserName=p["user"])),
    "CreateKey": create_key,
    "PutKeyPolicy": put_key_policy,
    "DisableKey": key_call("disable_key"),
    "EnableKey": key_call("enable_key"),
    "ScheduleKeyDeletion": key_call("schedule_key_deletion"),
    "CancelKeyDeletion": key_call("cancel_key_deletion"),
    "CreatePortfolio": create_portfolio,
    "DeletePortfolio": delete_portfolio,
    "CreateProduct": create_product,
    "DeleteProduct": delete_product,
    "CreatePortfolioShare": create_portfolio_share,
    "DeletePortfolioShare": delete_portfolio_share,
    "DescribePortfolioShares": describe_portfolio_shares,
    "ListPortfolios": list_portfolios,
    "ListPortfolioAccess": list_portfolio_access,
    "EnableSharingWithAwsOrganization": enable_ram_org_sharing,
    "CreateResourceShare": create_resource_share,
    "UpdateResourceShare": update_resource_share,
    "DeleteResourceShare": delete_resource_share,
    "GetResourceShares": get_resource_shares,
    "GetResourceShareAssociations": get_resource_share_associations,
}


# ---------------------------------------------------------------------------------------------
# Observation
# ---------------------------------------------------------------------------------------------


def grantees_of(w, policy_text):
    out = []
    try:
        policy = json.loads(policy_text)
    except ValueError:
        return out
    for s in policy.get("Statement", []):
        sid = s.get("Sid", "")
        kind, _, name = sid.partition(":")
        rendered = {"Account": "account", "Organization": "org", "OrganizationalUnit": "ou"}.get(kind)
        if rendered:
            out.append(f"{rendered}:{name}")
    return sorted(set(out))


def observe(w):
    accounts = {}
    for name, acct in w.accounts.items():
        c = w.client("iam", name, "us-east-1")
        users = sorted(u["UserName"] for u in c.list_users()["Users"])
        roles = sorted(r["RoleName"] for r in c.list_roles()["Roles"])
        groups = {}
        for g in c.list_groups()["Groups"]:
            members = c.get_group(GroupName=g["GroupName"])["Users"]
            groups[g["GroupName"]] = sorted(u["UserName"] for u in members)
        regions = {}
        for region in w.regions:
            keys = []
            k = w.client("kms", name, region)
            for (owner, r, key), kid in sorted(w.keys.items()):
                if owner != name or r != region:
                    continue
                meta = k.describe_key(KeyId=kid)["KeyMetadata"]
                policy = k.get_key_policy(KeyId=kid, PolicyName="default")["Policy"]
                keys.append({"name": key, "arn": meta["Arn"], "state": meta["KeyState"],
                             "grantees": grantees_of(w, policy)})
            regions[region] = {"kms_keys": keys}
        accounts[name] = {"id": acct, "organization": w.org_of(name),
                          "iam": {"users": users, "roles": roles, "groups": groups},
                          "regions": regions}
    organizations = {}
    for org_name, org in w.orgs.items():
        c = w.client("organizations", org["management"], "us-east-1")
        d = c.describe_organization()["Organization"]
        ou_names = {i: ou for (o, ou), (i, _) in w.ous.items() if o == org_name}

        def parent(child_id):
            parents = c.list_parents(ChildId=child_id)["Parents"]
            if not parents or parents[0]["Type"] == "ROOT":
                return "Root"
            return {"Ou": ou_names.get(parents[0]["Id"], parents[0]["Id"])}

        ous = {ou: parent(i) for i, ou in ou_names.items()}
        members = {}
        for a in c.list_accounts()["Accounts"]:
            if a["Id"] in w.names:
                members[w.names[a["Id"]]] = parent(a["Id"])
        services = c.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
        by_principal = {v: k for k, v in SERVICE_PRINCIPALS.items()}
        trusted = sorted(by_principal[s["ServicePrincipal"]] for s in services
                         if s["ServicePrincipal"] in by_principal)
        organizations[org_name] = {"id": d["Id"], "management": org["management"],
                                   "feature_set": d["FeatureSet"], "ous": ous,
                                   "accounts": members, "trusted_services": trusted}
    return {"accounts": accounts, "organizations": organizations}


# ---------------------------------------------------------------------------------------------
# The protocol loop
# ---------------------------------------------------------------------------------------------


def answer_call(w, call):
    kind, params = split_op(call["op"])
    account, region = call["account"], call["region"]
    if account not in w.accounts or region not in w.regions:
        return {"type": "error", "exception": "UnrecognizedClientException",
                "message": "unknown account or Region"}
    handler = HANDLERS.get(kind)
    if handler is None:
        return {"type": "unsupported", "reason": f"{kind} is not declared"}
    ctx = {"account": account, "region": region}
    principal = call.get("principal")
    try:
        if principal:
            (pkind, pname), = principal.items()
            c = w.client("iam", account, "us-east-1")
            if pkind == "User":
                c.get_user(UserName=pname)
            else:
                c.get_role(RoleName=pname)
    except ClientError:
        return {"type": "error", "exception": "UnrecognizedClientException",
                "message": f"no principal {principal}"}
    try:
        return {"type": "response", "response": handler(w, ctx, params)}
    except Unsupported as e:
        return {"type": "unsupported", "reason": str(e)}
    except NotImplementedError as e:
        return {"type": "unsupported", "reason": f"moto: {e}"}
    except ClientError as e:
        error = e.response.get("Error", {})
        code = error.get("Code", "")
        if code == "404" and "Not yet implemented" in error.get("Message", ""):
            return {"type": "unsupported", "reason": f"moto: {kind} is not yet implemented"}
        return {"type": "error", "exception": exception_name(LAST_SERVICE[0], code),
                "message": error.get("Message", "")}
    except Exception as e:  # moto crashed inside: an internal failure, reported as such.
        return {"type": "error", "exception": "InternalFailure",
                "message": f"{type(e).__name__}: {e}"}


def main():
    mock = mock_aws()
    mock.start()
    world = None
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        kind = request.get("type")
        if kind == "hello":
            reply = {"type": "hello", "protocol": PROTOCOL,
                     "implementation": {"name": "moto", "version": moto_version()},
                     "capabilities": {"ops": SUPPORTED, "observe": OBSERVE, "config": False}}
        elif kind == "reset":
            mock.stop()
            # Membership of accounts in organizations lives in a map that moto's reset keeps.
            organizations_backends.master_accounts.clear()
            mock = mock_aws()
            mock.start()
            world = World(request["spec"])
            reply = {"type": "ok"}
        elif kind == "call":
            reply = answer_call(world, request["call"])
        elif kind == "observe":
            reply = {"type": "observation", "observation": observe(world)}
        elif kind == "bye":
            break
        else:
            print(f"adapter: unknown request {line!r}", file=sys.stderr)
            sys.exit(2)
        out.write(json.dumps(reply) + "\n")
        out.flush()
    mock.stop()


def moto_version():
    import moto
    return getattr(moto, "__version__", "unknown")


if __name__ == "__main__":
    try:
        main()
    except Exception:
        traceback.print_exc()
        sys.exit(1)
