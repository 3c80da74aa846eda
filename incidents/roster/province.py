"""Loading the deployment's province into the database."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.provinces import ProvinceData
from storage.models import District, Province


async def ensure_province(session: AsyncSession, data: ProvinceData) -> Province:
    """Create or refresh the province and its districts from shipped data; return it."""
    province = await session.scalar(select(Province).where(Province.key == data.key))
    if province is None:
        province = Province(key=data.key)
        session.add(province)
    province.dopa_code = data.dopa_code
    province.reference_prefix = data.reference_prefix
    province.name_th = data.name_th
    province.name_en = data.name_en
    await session.flush()

    existing = {
        d.code: d
        for d in await session.scalars(select(District).where(District.province_id == province.id))
    }
    for item in data.districts:
        district = existing.get(item.code) or District(province_id=province.id, code=item.code)
        district.name_th = item.name_th
        district.name_en = item.name_en
        session.add(district)
    await session.flush()
    return province
