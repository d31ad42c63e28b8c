"""Dependency aliases for the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from newsrag.refresh import Refresher
from newsrag.services import Services


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def get_refresher(request: Request) -> Refresher:
    refresher: Refresher = request.app.state.refresher
    return refresher


ServicesDep = Annotated[Services, Depends(get_services)]
RefresherDep = Annotated[Refresher, Depends(get_refresher)]
