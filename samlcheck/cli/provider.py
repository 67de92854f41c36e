"""`samlcheck provider plan`: IAM's answer to a SAML provider create or update, in advance."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from samlcheck._internal.aws import EncryptionMode
from samlcheck.cli import app
from samlcheck.cli.common import DebugOption, FormatOption, OutputFormat, emit, guarded

provider_app = typer.Typer(
    name="provider",
    help="Plan changes to an IAM SAML provider and predict IAM's answer.",
    no_args_is_help=True,
)
app.add_typer(provider_app, name="provider")


@provider_app.command("plan")
@guarded
def plan(
    current: Annotated[
        Path | None,
        typer.Option(
            "--current",
            help="The provider now: output of aws iam get-saml-provider (JSON). Omit it to plan "
            "CreateSAMLProvider.",
        ),
    ] = None,
    metadata: Annotated[
        Path | None, typer.Option("--metadata", help="New IdP metadata document.")
    ] = None,
    add_key: Annotated[
        Path | None, typer.Option("--add-key", help="Private key file to add (PEM).")
    ] = None,
    remove_key: Annotated[
        str | None,
        typer.Option("--remove-key", metavar="KEY_ID", help="Key ID of the private key to remove."),
    ] = None,
    encryption_mode: Annotated[
        EncryptionMode | None,
        typer.Option("--encryption-mode", help="AssertionEncryptionMode to set."),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Provider name (required to create one).")
    ] = None,
    idp_metadata: Annotated[
        Path | None,
        typer.Option(
            "--idp-metadata",
            help="The IdP's current metadata, to warn when --metadata drops a certificate it "
            "signs with (default: the metadata in --current).",
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.text,
    debug: DebugOption = False,
) -> None:
    """Predict IAM's answer to the change and print the plan: rotation steps and, when IAM would
    accept it, the aws iam command(s) to run."""
    from samlcheck._internal.checks.provider import plan as make_plan
    from samlcheck._internal.inputs.files import read_file
    from samlcheck._internal.inputs.xml import MAX_XML_BYTES
    from samlcheck._internal.report import Report
    from samlcheck._internal.trust.provider import ProviderChange, load_state

    def named(path: Path | None, what: str, limit: int = MAX_XML_BYTES) -> tuple[str, bytes] | None:
        return (str(path), read_file(path, what, limit)) if path else None

    state = load_state(read_file(current, "provider state"), str(current)) if current else None
    change = ProviderChange(
        name=name,
        metadata=named(metadata, "metadata document"),
        add_key=(str(add_key), read_file(add_key, "private key")) if add_key else None,
        remove_key_id=remove_key,
        encryption_mode=encryption_mode.value if encryption_mode else None,
    )
    idp = named(idp_metadata, "IdP metadata")
    emit(Report(results=(make_plan(state, change, idp),)), fmt, command="samlcheck provider plan")
