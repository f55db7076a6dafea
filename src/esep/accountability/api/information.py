from ninja import Router

router = Router(tags=["information requests"])
